/**
 * highlight.js with the languages students paste most, not all 190 (the bundle budget):
 * unknown or unlabelled fences are auto-detected among these.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import latex from 'highlight.js/lib/languages/latex';
import markdown from 'highlight.js/lib/languages/markdown';
import matlab from 'highlight.js/lib/languages/matlab';
import php from 'highlight.js/lib/languages/php';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import r from 'highlight.js/lib/languages/r';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = {
  bash,
  c,
  cpp,
  csharp,
  css,
  go,
  java,
  javascript,
  json,
  kotlin,
  latex,
  markdown,
  matlab,
  php,
  plaintext,
  python,
  r,
  ruby,
  rust,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);

/** Highlights one `<code>` element in place; its text stays the same. */
export function highlightCode(code: HTMLElement): string | undefined {
  const named = /\blanguage-([\w+#-]+)/.exec(code.className)?.[1]?.toLowerCase();
  const source = code.textContent ?? '';
  const result =
    named && hljs.getLanguage(named)
      ? hljs.highlight(source, { language: named, ignoreIllegals: true })
      : hljs.highlightAuto(source);
  // hljs escapes the source and adds only <span class="hljs-…">: safe after sanitizing.
  code.innerHTML = result.value;
  code.classList.add('hljs');
  return result.language ?? named;
}
