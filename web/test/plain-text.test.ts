/** "Copy answer" copies readable text: no markdown symbols, formulas as their TeX in `$…$`. */
import { describe, expect, it } from 'vitest';
import { plainText } from '../src/render/plain-text.js';

describe('an answer as plain text', () => {
  it('drops emphasis, heading marks and link brackets, and keeps the words', () => {
    expect(
      plainText(
        '# Title\n\nSome **bold**, _italic_ and ~~old~~ words, [a link](https://example.org).',
      ),
    ).toBe('Title\n\nSome bold, italic and old words, a link (https://example.org).\n');
  });

  it('keeps formulas as their TeX source between dollars', () => {
    expect(plainText('Inline \\(x^2\\) and $y_1$, then\n\n$$\\int_0^1 x\\,dx$$')).toBe(
      'Inline $x^2$ and $y_1$, then\n\n$$\\int_0^1 x\\,dx$$\n',
    );
  });

  it('keeps lists numbered or bulleted, code as it is, and a table one row per line', () => {
    const markdown = [
      'Steps:',
      '1. First *step*',
      '2. Second',
      '',
      '- a `code` span',
      '- [x] done',
      '',
      '```python',
      'print("**not bold**")',
      '```',
      '',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '',
      '> quoted **text**',
    ].join('\n');
    expect(plainText(markdown)).toBe(
      [
        'Steps:',
        '',
        '1. First step',
        '2. Second',
        '',
        '• a code span',
        '• [x] done',
        '',
        'print("**not bold**")',
        '',
        'a\tb',
        '1\t2',
        '',
        '> quoted text',
        '',
      ].join('\n'),
    );
  });

  it('keeps escaped symbols and character references as the characters they stand for, drops HTML tags', () => {
    expect(plainText('2 \\* 3 and <b>bold</b> &amp; more, &#233;')).toBe(
      '2 * 3 and bold & more, é\n',
    );
  });
});
