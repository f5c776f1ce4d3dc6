/**
 * The page's weight as a student's browser downloads it: every JavaScript file gzipped, against
 * the budget. KaTeX's fonts and the CSS are reported beside it but do not count (the rule).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const JS_BUDGET_BYTES = 250 * 1024;

export interface BundleSize {
  jsGzipBytes: number;
  jsRawBytes: number;
  cssGzipBytes: number;
  fontBytes: number;
  files: { name: string; rawBytes: number; gzipBytes: number }[];
}

export function measureBundle(distDir: string): BundleSize {
  const assets = join(distDir, 'assets');
  const size: BundleSize = {
    jsGzipBytes: 0,
    jsRawBytes: 0,
    cssGzipBytes: 0,
    fontBytes: 0,
    files: [],
  };
  for (const name of readdirSync(assets)) {
    const path = join(assets, name);
    if (name.endsWith('.js') || name.endsWith('.css')) {
      const content = readFileSync(path);
      const gzipBytes = gzipSync(content, { level: 9 }).length;
      size.files.push({ name, rawBytes: content.length, gzipBytes });
      if (name.endsWith('.js')) {
        size.jsGzipBytes += gzipBytes;
        size.jsRawBytes += content.length;
      } else size.cssGzipBytes += gzipBytes;
    } else if (/\.(woff2?|ttf)$/.test(name)) size.fontBytes += statSync(path).size;
  }
  return size;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function formatBundleSize(size: BundleSize): string {
  const verdict = size.jsGzipBytes <= JS_BUDGET_BYTES ? 'within' : 'OVER';
  return [
    `page JavaScript: ${kb(size.jsGzipBytes)} gzipped (${kb(size.jsRawBytes)} raw), ${verdict} the ${kb(JS_BUDGET_BYTES)} budget`,
    `aside from the budget: CSS ${kb(size.cssGzipBytes)} gzipped, KaTeX fonts ${kb(size.fontBytes)} (loaded only for the glyphs a formula uses)`,
  ].join('\n');
}
