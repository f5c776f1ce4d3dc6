import type { onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';

/** Where the routes that carry student data live: jobs, asks, conversations, event streams. */
const STUDENT_DATA_PREFIX = '/api/';

const noStore: onRequestHookHandler = (request, reply, done) => {
  reply.header('cache-control', 'no-store');
  done();
};

/**
 * Every response of a route under `/api/` carries a student's questions, answers or
 * conversations (or, for an error, which job a request named): `Cache-Control: no-store`, so no
 * browser, proxy or CDN keeps a copy. Set when the request arrives, so errors carry it too; routes
 * added later, by any plugin, get it as well. Register it before the routes.
 */
export default fp(
  async (fastify) => {
    fastify.addHook('onRoute', (route) => {
      if (!route.url.startsWith(STUDENT_DATA_PREFIX)) return;
      const hooks = route.onRequest;
      route.onRequest = hooks === undefined ? [noStore] : [noStore, ...[hooks].flat()];
    });
  },
  { name: 'no-store' },
);
