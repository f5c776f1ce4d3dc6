/**
 * Math delimiters as tokens of the markdown parser, so that the parser neither eats their
 * backslashes (`\(` is a markdown escape) nor reads `_` and `*` inside them as emphasis. They
 * render to placeholders holding the TeX source as text; KaTeX fills them in after sanitizing.
 * Delimiters: `$$…$$` and `\[…\]` (display), `$…$` and `\(…\)` (inline).
 */
import type { MarkedExtension, Tokens } from 'marked';

interface MathToken extends Tokens.Generic {
  type: 'math';
  raw: string;
  tex: string;
  display: boolean;
}

const BLOCK = [
  /^ {0,3}\$\$([\s\S]+?)\$\$[^\S\n]*(?:\n+|$)/,
  /^ {0,3}\\\[([\s\S]+?)\\\][^\S\n]*(?:\n+|$)/,
];

const INLINE: { pattern: RegExp; display: boolean }[] = [
  { pattern: /^\$\$([\s\S]+?)\$\$/, display: true },
  { pattern: /^\\\[([\s\S]+?)\\\]/, display: true },
  { pattern: /^\\\(([\s\S]+?)\\\)/, display: false },
  // `$…$` only when it does not look like money: no space just inside, no digit right after.
  { pattern: /^\$(?![\s$])((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/, display: false },
];

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function placeholder(token: MathToken): string {
  const tag = token.display ? 'div' : 'span';
  return `<${tag} data-math="${token.display ? 'display' : 'inline'}">${escapeHtml(token.tex)}</${tag}>`;
}

export const mathSyntax: MarkedExtension = {
  extensions: [
    {
      name: 'mathBlock',
      level: 'block',
      start: (src) => src.match(/^ {0,3}(?:\$\$|\\\[)/m)?.index,
      tokenizer(src) {
        for (const pattern of BLOCK) {
          const match = pattern.exec(src);
          if (match) {
            return { type: 'mathBlock', raw: match[0], tex: match[1]!.trim(), display: true };
          }
        }
        return undefined;
      },
      renderer: (token) => placeholder(token as MathToken) + '\n',
    },
    {
      name: 'mathInline',
      level: 'inline',
      start: (src) => src.match(/\$|\\[([]/)?.index,
      tokenizer(src) {
        for (const { pattern, display } of INLINE) {
          const match = pattern.exec(src);
          if (match) return { type: 'mathInline', raw: match[0], tex: match[1]!.trim(), display };
        }
        return undefined;
      },
      renderer: (token) => placeholder(token as MathToken),
    },
  ],
};
