import type { IncomingMessage } from 'node:http';

/**
 * Fastify's `rewriteUrl` for an api behind an API Gateway stage: `/<stage>/rest` becomes `/rest`
 * before routing, so the routes answer whether or not the gateway's private integration keeps the
 * stage in the path. Only that one name is dropped; any other first segment is routed as it is
 * (and an unknown one is a 404). The original URL stays in `request.originalUrl`.
 */
export function stripStage(stage: string): (request: IncomingMessage) => string {
  const prefix = `/${stage}/`;
  return (request) => {
    const url = request.url ?? '/';
    return url.startsWith(prefix) ? url.slice(prefix.length - 1) : url;
  };
}
