/** The budget's fast token count must agree with the chat encoding it stands in for. */
import { describe, expect, it } from 'vitest';
import { chatMessages, countChatTokens, minimalPromptTokens } from '../../src/providers/prompt.js';
import { studyRequest } from '../support/requests.js';

describe('minimalPromptTokens', () => {
  it.each([
    'Why is the sky blue?',
    'Quanto é 2³ + √16? Explique passo a passo, por favor 🙂',
    `A long one: ${'photosynthesis '.repeat(300)}`,
  ])('counts exactly what the chat encoding counts: %s', (question) => {
    for (const mode of ['explain', 'tutor', 'quiz'] as const) {
      const request = studyRequest({ question, mode, history: [] });
      expect(minimalPromptTokens(request)).toBe(countChatTokens(chatMessages(request)));
    }
  });

  it('counts a question that spells out a special token instead of failing on it', () => {
    // encodeChat itself throws "Disallowed special token found" on this text.
    const question = 'What does <|endoftext|> mean in a tokenizer?';
    const plain = minimalPromptTokens(
      studyRequest({ question: 'What does  mean in a tokenizer?' }),
    );

    expect(minimalPromptTokens(studyRequest({ question }))).toBeGreaterThan(plain);
  });
});
