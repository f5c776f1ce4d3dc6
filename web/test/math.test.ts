/**
 * Formulas in answers are bounded: no size a formula asks for exceeds MAX_SIZE_EM, and a macro
 * bomb stops at MAX_EXPAND expansions and shows its source (KaTeX runs without a DOM here).
 */
import { describe, expect, it } from 'vitest';
import { MAX_EXPAND, MAX_SIZE_EM, renderMath } from '../src/render/math.js';

/** Every length in the rendered HTML's inline styles, in ems. */
function lengthsInEm(html: string): number[] {
  return [...html.matchAll(/:\s*(-?[\d.]+)em/g)].map((match) => Number(match[1]));
}

describe('a formula cannot make the page enormous', () => {
  it.each([
    ['a rule', '\\rule{190000px}{1px}'],
    ['a space', 'a\\hspace{100000px}b'],
    ['a kern', 'a\\kern{5000em}b'],
    ['a sized box', '\\rule{1px}{5000em}'],
  ])(`%s is capped at ${MAX_SIZE_EM} em`, (_, tex) => {
    for (const display of [false, true]) {
      const html = renderMath(tex, display);
      expect(html).not.toContain('katex-error');
      expect(Math.max(...lengthsInEm(html))).toBeLessThanOrEqual(MAX_SIZE_EM);
    }
  });

  it(`stops a macro bomb at ${MAX_EXPAND} expansions and shows its source instead of thousands of glyphs`, () => {
    // \c is ten \b, each ten \a: 666 expansions for 1,200 glyphs, under KaTeX's default limit
    // (1,000) and over ours.
    const defs = `\\def\\a{xx}\\def\\b{${'\\a'.repeat(10)}}\\def\\c{${'\\b'.repeat(10)}}`;
    const bomb = defs + '\\c'.repeat(6);
    const html = renderMath(bomb, true);
    expect(html).toContain('katex-error');
    expect(html).toMatch(/Too many expansions/);
    expect(html.length).toBeLessThan(2000);
  });

  it('still renders a dense real formula', () => {
    const tex =
      '\\lim_{h \\to 0} \\frac{f(x+h)-f(x)}{h} \\neq \\dots \\iff \\binom{n}{k} \\begin{pmatrix}1&2\\\\3&4\\end{pmatrix} \\sum_{i=1}^{n} \\coloneqq \\xrightarrow{a}';
    expect(renderMath(tex, true)).not.toContain('katex-error');
  });
});
