/**
 * The math delimiters as markdown tokens (the part of the rendering pipeline that runs without a
 * DOM): what becomes a formula placeholder and what stays text.
 */
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { mathSyntax } from '../src/render/math-syntax.js';

const render = (markdown: string) => new Marked(mathSyntax).parse(markdown, { async: false });

describe('math in answers', () => {
  it.each([
    ['\\(x^2\\)', 'inline', 'x^2'],
    ['$x_1 + x_2$', 'inline', 'x_1 + x_2'],
    ['\\[\\frac{a}{b}\\]', 'display', '\\frac{a}{b}'],
    ['$$\\int_0^1 x\\,dx$$', 'display', '\\int_0^1 x\\,dx'],
  ])('%s becomes a %s formula with its TeX intact', (markdown, kind, tex) => {
    expect(render(`Here: ${markdown} done`)).toContain(`data-math="${kind}">${tex}<`);
  });

  it('keeps a display block spanning lines, whose underscores are not emphasis', () => {
    const html = render('Sum:\n\n$$\na_1 + a_2\n= b_1 * b_2\n$$\n\nAfter.');
    expect(html).toContain('<div data-math="display">a_1 + a_2\n= b_1 * b_2</div>');
    expect(html).not.toContain('<em>');
  });

  it('leaves money alone: "$5 and $10" is text', () => {
    expect(render('It costs $5 and $10.')).not.toContain('data-math');
  });

  it('leaves code alone: math delimiters inside code spans and fences stay code', () => {
    const html = render('Use `$x$` or\n\n```\necho "$HOME $PATH"\n```');
    expect(html).not.toContain('data-math');
    expect(html).toContain('<code>$x$</code>');
  });

  it('escapes the TeX it carries, so a formula cannot smuggle HTML', () => {
    expect(render('$<img src=x onerror=alert(1)>$')).toContain(
      '&lt;img src=x onerror=alert(1)&gt;',
    );
  });
});
