import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { PAGE_CSP, pageCsp } from '@iscoolgpt/shared';
import fp from 'fastify-plugin';

/** Vite names every file under assets/ by its content hash: a name never changes content. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html (and anything unhashed) is revalidated on every visit, so a deploy shows at once. */
export const REVALIDATE = 'no-cache';

/**
 * The page's CSP for the build in `root`: when a `sign-in.json` beside index.html (the page's
 * runtime sign-in configuration) names a token endpoint, the page may fetch it (the code
 * exchange); none, or one that does not read, leaves the page its own origin only.
 */
export function pageCspFor(root: string): string {
  const file = join(root, 'sign-in.json');
  if (!existsSync(file)) return PAGE_CSP;
  try {
    const { tokenEndpoint } = JSON.parse(readFileSync(file, 'utf8')) as { tokenEndpoint?: unknown };
    const url = new URL(String(tokenEndpoint));
    return url.protocol === 'https:' || url.protocol === 'http:' ? pageCsp([url.origin]) : PAGE_CSP;
  } catch {
    return PAGE_CSP;
  }
}

function setHeaders(reply: FastifyReply, root: string, file: string, csp: string): void {
  const hashed = relative(root, file).split(sep)[0] === 'assets';
  reply.header('cache-control', hashed ? IMMUTABLE : REVALIDATE);
  reply.header('x-content-type-options', 'nosniff');
  if (file.endsWith('.html')) {
    reply.header('content-security-policy', csp);
    reply.header('referrer-policy', 'no-referrer');
  }
}

/** True when `root` holds a built page (web/dist after `npm run build -w web`). */
export function hasPage(root: string | undefined): root is string {
  return root !== undefined && existsSync(join(root, 'index.html'));
}

/**
 * The study page's static files at `/`. Routes are made per file at start-up (no wildcard), so
 * every other path, /api/* included, stays the API's own and unknown ones get problem+json 404s.
 */
export default fp<{ root: string }>(
  async (fastify, { root }) => {
    const csp = pageCspFor(root);
    await fastify.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      decorateReply: false,
      cacheControl: false,
      setHeaders: (reply, file) => setHeaders(reply, root, file, csp),
    });
  },
  { name: 'web-page' },
);
