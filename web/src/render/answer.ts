/**
 * An answer's markdown to HTML, in this order: markdown (math kept as text placeholders) →
 * sanitize (answers are model output: nothing in them may run) → math (KaTeX, trusted output
 * built from the placeholders' text) → highlight (highlight.js) with a copy button per block.
 */
import DOMPurify, { type Config } from 'dompurify';
import { Marked } from 'marked';
import { highlightCode } from './highlight.js';
import { renderMath } from './math.js';
import { mathSyntax } from './math-syntax.js';

const marked = new Marked({ gfm: true, breaks: false }, mathSyntax);

// Links in answers open elsewhere and cannot reach back into the page.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

const SANITIZE: Config & { RETURN_DOM_FRAGMENT: true } = {
  // Controls and styles in an answer could pass for the page's own.
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option'],
  FORBID_ATTR: ['style', 'id', 'tabindex'],
  RETURN_DOM_FRAGMENT: true,
};

export interface RenderLabels {
  copyCode: string;
}

/** The answer as an HTML string ready for innerHTML (already sanitized). */
export function renderAnswer(markdown: string, labels: RenderLabels): string {
  const html = marked.parse(markdown, { async: false });
  const fragment = DOMPurify.sanitize(html, SANITIZE);
  const root = document.createElement('div');
  root.append(fragment);

  for (const element of root.querySelectorAll<HTMLElement>('[data-math]')) {
    const displayMode = element.dataset.math === 'display';
    element.innerHTML = renderMath(element.textContent ?? '', displayMode);
    element.removeAttribute('data-math');
    element.classList.add(displayMode ? 'math-display' : 'math-inline');
    // A wide formula scrolls inside its box: keyboard users must be able to reach it too.
    if (displayMode) element.tabIndex = 0;
  }

  for (const code of root.querySelectorAll<HTMLElement>('pre > code')) {
    const language = highlightCode(code);
    const pre = code.parentElement!;
    pre.tabIndex = 0;
    const block = document.createElement('div');
    block.className = 'code-block';
    const bar = document.createElement('div');
    bar.className = 'code-bar';
    const name = document.createElement('span');
    name.textContent = language ?? '';
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'copy-code';
    copy.dataset.copyCode = '';
    copy.textContent = labels.copyCode;
    bar.append(name, copy);
    pre.replaceWith(block);
    block.append(bar, pre);
  }
  return root.innerHTML;
}
