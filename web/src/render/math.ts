/**
 * One formula's TeX to HTML with KaTeX, bounded: a formula in a model's answer must not be able
 * to make the page enormous or keep the browser busy.
 */
import katex from 'katex';

/**
 * The largest size, in ems, a formula may ask for (`\rule`, `\hspace`, `\kern`…): 10 em is about
 * 190 px of body text, wide enough for any real spacing, and fits a phone. Without it,
 * `\rule{190000px}{1px}` is a formula 190,000 px wide.
 */
export const MAX_SIZE_EM = 10;
/**
 * Macro expansions allowed in one formula: a dense real formula needs a few dozen; a macro bomb
 * (`\def\a{xx}\def\b{\a\a…}…`) needs thousands and is shown as its source instead.
 */
export const MAX_EXPAND = 500;

export function renderMath(tex: string, displayMode: boolean): string {
  return katex.renderToString(tex, {
    displayMode,
    throwOnError: false,
    // No \href, \url, \includegraphics or raw HTML from TeX.
    trust: false,
    maxSize: MAX_SIZE_EM,
    maxExpand: MAX_EXPAND,
    output: 'htmlAndMathml',
  });
}
