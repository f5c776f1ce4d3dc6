/**
 * An answer's markdown as readable plain text, for "Copy answer": what a student pastes into
 * notes or a message. Markdown's symbols go (emphasis, headings' #, links' brackets, HTML tags);
 * lists keep their bullets and numbers, code its text, tables one row per line, and formulas
 * their TeX source inside `$…$` / `$$…$$`.
 */
import { Marked, type Token, type Tokens } from 'marked';
import { mathSyntax } from './math-syntax.js';

const marked = new Marked({ gfm: true, breaks: false }, mathSyntax);

interface MathToken {
  type: 'mathBlock' | 'mathInline';
  tex: string;
  display: boolean;
}

export function plainText(markdown: string): string {
  return blocks(marked.lexer(markdown)).trim() + '\n';
}

function blocks(tokens: Token[]): string {
  return tokens
    .map(block)
    .filter((text) => text !== '')
    .join('\n\n');
}

function block(token: Token): string {
  switch (token.type) {
    case 'space':
    case 'def':
      return '';
    case 'hr':
      return '———';
    case 'code':
      return (token as Tokens.Code).text;
    case 'heading':
    case 'paragraph':
      return inline((token as Tokens.Heading | Tokens.Paragraph).tokens);
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : text.text;
    }
    case 'blockquote':
      return blocks((token as Tokens.Blockquote).tokens)
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    case 'list':
      return list(token as Tokens.List);
    case 'table': {
      const table = token as Tokens.Table;
      return [table.header, ...table.rows]
        .map((row) => row.map((cell) => inline(cell.tokens)).join('\t'))
        .join('\n');
    }
    case 'html':
      return stripTags((token as Tokens.HTML).text).trim();
    case 'mathBlock':
      return `$$${(token as unknown as MathToken).tex}$$`;
    default:
      return 'tokens' in token && token.tokens ? inline(token.tokens) : (token.raw ?? '');
  }
}

function list(token: Tokens.List): string {
  const start = typeof token.start === 'number' ? token.start : 1;
  return token.items
    .map((item, index) => {
      const marker = token.ordered ? `${start + index}.` : '•';
      const box = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
      const tokens = item.tokens.filter((t) => t.type !== 'checkbox');
      const [first = '', ...rest] = (item.loose ? blocks(tokens) : tight(tokens)).split('\n');
      return [`${marker} ${box}${first}`, ...rest.map((line) => `   ${line}`)].join('\n');
    })
    .join('\n');
}

/** A tight list item's blocks, one per line. */
function tight(tokens: Token[]): string {
  return tokens
    .map(block)
    .filter((text) => text !== '')
    .join('\n');
}

function inline(tokens: Token[] = []): string {
  return tokens.map(span).join('');
}

function span(token: Token): string {
  switch (token.type) {
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : decode(text.text);
    }
    case 'escape':
    case 'codespan':
      return (token as Tokens.Codespan).text;
    case 'br':
      return '\n';
    case 'link': {
      const link = token as Tokens.Link;
      const text = inline(link.tokens);
      return text === link.href || !link.href ? text : `${text} (${link.href})`;
    }
    case 'image':
      return (token as Tokens.Image).text;
    case 'html':
      return decode(stripTags((token as Tokens.Tag).text));
    case 'mathInline': {
      const math = token as unknown as MathToken;
      return math.display ? `$$${math.tex}$$` : `$${math.tex}$`;
    }
    default:
      return 'tokens' in token && token.tokens ? inline(token.tokens) : (token.raw ?? '');
  }
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '');
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** The character references markdown text may hold (`&amp;`, `&#233;`), as characters. */
function decode(text: string): string {
  return text.replace(/&(#x[\da-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code =
      name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
