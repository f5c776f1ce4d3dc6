/** The budget's fast token count must agree with the chat encoding it stands in for. */
import { describe, expect, it } from 'vitest';
import {
  chatMessages,
  countChatTokens,
  minimalPromptTokens,
  minimalPromptTokensOver,
} from '../../src/providers/prompt.js';
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

describe('minimalPromptTokensOver', () => {
  it.each([
    ['a short question', 'Why is the sky blue?'],
    // Far more bytes than tokens: its fit is only known by counting.
    ['a long repetitive one', `Explain: ${'ha'.repeat(3000)}`],
    ['one in emoji', '🙂'.repeat(400)],
  ])(
    'is undefined at the exact budget and the exact count one token below it: %s',
    (_, question) => {
      const request = studyRequest({ question, mode: 'tutor' });
      const exact = minimalPromptTokens(request);

      expect(minimalPromptTokensOver(request, exact)).toBeUndefined();
      expect(minimalPromptTokensOver(request, exact - 1)).toBe(exact);
    },
  );

  it('tells settings apart that make different system prompts', () => {
    const plain = studyRequest({ level: null, language: null, subject: null });
    const rich = studyRequest({ level: 'university', language: 'en', subject: 'thermodynamics' });

    expect(minimalPromptTokensOver(rich, minimalPromptTokens(plain))).toBe(
      minimalPromptTokens(rich),
    );
    expect(minimalPromptTokens(rich)).toBe(countChatTokens(chatMessages({ ...rich, history: [] })));
  });
});
