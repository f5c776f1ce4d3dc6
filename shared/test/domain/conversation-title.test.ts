import { describe, expect, it } from 'vitest';
import { TITLE_LENGTH, titleOf } from '../../src/domain/ownership.js';

describe("a conversation's title", () => {
  it('is the first question whole when it has at most 80 characters', () => {
    expect(titleOf('Why is the sky blue?')).toBe('Why is the sky blue?');
    // 60 emoji are 120 UTF-16 units but 60 characters: whole.
    const emoji = '🌍'.repeat(60);
    expect(titleOf(emoji)).toBe(emoji);
  });

  it('is cut at 80 characters, never inside one', () => {
    expect(titleOf('x'.repeat(200))).toBe('x'.repeat(TITLE_LENGTH));
    expect(titleOf(`a${'🌍'.repeat(100)}`)).toBe(`a${'🌍'.repeat(TITLE_LENGTH - 1)}`);
  });
});
