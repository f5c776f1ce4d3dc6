import { describe, expect, it } from 'vitest';
import {
  answerKey,
  isCacheable,
  normalizeText,
  type AnswerKeyContext,
  type KeyedJob,
} from '../../src/domain/answer-key.js';
import { PROMPT_VERSION } from '../../src/providers/prompt-version.js';

const context: AnswerKeyContext = {
  promptVersion: PROMPT_VERSION,
  maxOutputTokens: 1024,
  defaults: 'openai:gpt-4o-mini',
};

function job(overrides: Partial<KeyedJob> = {}): KeyedJob {
  return {
    question: 'What is a derivative?',
    subject: 'Maths',
    level: 'high school',
    language: 'en',
    mode: 'explain',
    turn: 1,
    requestedProvider: null,
    requestedModel: null,
    ...overrides,
  };
}

const key = (overrides: Partial<KeyedJob> = {}, ctx: Partial<AnswerKeyContext> = {}) =>
  answerKey(job(overrides), { ...context, ...ctx });

describe('normalizing a question for the key', () => {
  it('treats as one what reads as one: case, spacing, and composed or decomposed accents', () => {
    const same = [
      'O que é fotossíntese?',
      '  o QUE é   fotossíntese?\n',
      'O que e\u0301 foto\u0073si\u0301ntese?',
      'o\tque\u00a0é fotossíntese?',
    ];
    expect(new Set(same.map(normalizeText))).toEqual(new Set(['o que é fotossíntese?']));
  });

  it('folds the cases lower-casing misses (ß, final sigma)', () => {
    expect(normalizeText('STRASSE')).toBe(normalizeText('Straße'));
    expect(normalizeText('ΛΟΓΟΣ')).toBe(normalizeText('λόγος'.replace('ό', 'ο')));
  });

  it('keeps digits, signs and operators exactly', () => {
    const different = [
      '2x + 3 = 7',
      '2x + 3 = 8',
      '2x - 3 = 7',
      '2x+3=7',
      'x² + 1',
      'x2 + 1',
      '½',
      '1/2',
      '−1',
      '-1',
    ];
    expect(new Set(different.map(normalizeText)).size).toBe(different.length);
  });

  it('keeps math spans exactly: no case folding or re-spacing inside $…$, \\(…\\) or `code`', () => {
    expect(normalizeText('Solve $X  = 2$')).toBe('solve $X  = 2$');
    expect(normalizeText('Solve $X = 2$')).not.toBe(normalizeText('Solve $x = 2$'));
    expect(normalizeText('WHAT is \\(A^{-1}\\)?')).toBe('what is \\(A^{-1}\\)?');
    expect(normalizeText('Run `Print(X)`')).toBe('run `Print(X)`');
  });
});

describe('the key of an answer', () => {
  it('is the same for asks that differ only in case and spacing, in the question or the settings', () => {
    expect(
      key({ question: '  WHAT is a   derivative? ', subject: 'MATHS', level: 'High School' }),
    ).toBe(key());
    expect(key({ language: 'EN' })).toBe(key());
  });

  it('differs by a number, the subject, the level, the language, the provider or the model', () => {
    const keys = [
      key({ question: '2x + 3 = 7' }),
      key({ question: '2x + 3 = 8' }),
      key(),
      key({ subject: 'physics' }),
      key({ subject: null }),
      key({ level: 'undergraduate' }),
      key({ language: 'pt-BR' }),
      key({ requestedProvider: 'openai' }),
      key({ requestedProvider: 'huggingface' }),
      key({ requestedModel: 'gpt-4o' }),
      key({ requestedModel: 'GPT-4o' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('changes with the output cap, the prompts and the default models', () => {
    const keys = [
      key(),
      key({}, { maxOutputTokens: 2048 }),
      key({}, { promptVersion: 'another prompt' }),
      key({}, { defaults: 'openai:gpt-4o' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is a hash: nothing of the question can be read from it', () => {
    expect(key()).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('which asks are cached', () => {
  it('only first turns in explain mode', () => {
    expect(isCacheable({ turn: 1, mode: 'explain' })).toBe(true);
    expect(isCacheable({ turn: 2, mode: 'explain' })).toBe(false);
    expect(isCacheable({ turn: 1, mode: 'tutor' })).toBe(false);
    expect(isCacheable({ turn: 1, mode: 'quiz' })).toBe(false);
  });
});

describe('the prompt version', () => {
  it('is a digest of the prompts, the same wherever it is computed', () => {
    expect(PROMPT_VERSION).toMatch(/^[0-9a-f]{16}$/);
  });
});
