import fp from 'fastify-plugin';
import { pathOf } from '../../http/path.js';
import { problemTypes, titleForStatus } from '../../schemas/problem.js';
import { sendProblem, truncate } from './problem-details.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods some route serves at this path (with HEAD and OPTIONS), [] when none does. */
    allowedMethods(path: string): string[];
    /**
     * Every method some route serves, sorted: one live array, which grows as routes register
     * (readers that keep it see later routes too).
     */
    readonly servedMethods: readonly string[];
  }
}

/**
 * Knows which methods each URL has, from the routes as they are registered (routes added later,
 * by any plugin, are covered too). It backs three answers: `405` with `Allow` for a method a path
 * does not have (instead of 404), `OPTIONS` that is not a CORS preflight (`204` with `Allow`;
 * a preflight stays with @fastify/cors), and the methods CORS preflights allow. Register it
 * before the CORS plugin and the routes.
 */
export default fp(
  async (fastify) => {
    const routes: { pattern: RegExp; method: string }[] = [];
    const servedMethods: string[] = [];
    fastify.addHook('onRoute', (route) => {
      // The CORS plugin's catch-all `OPTIONS *` is how preflights reach its hook, not a resource.
      if (route.url === '*') return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const pattern = toPattern(route.url);
      for (const method of methods) {
        const name = method.toUpperCase();
        routes.push({ pattern, method: name });
        if (!servedMethods.includes(name)) servedMethods.push(name);
      }
      // In place: the array is handed out once and read as it is.
      servedMethods.sort();
    });
    fastify.decorate('servedMethods', servedMethods);

    fastify.decorate('allowedMethods', (path: string): string[] => {
      const methods = new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
      if (methods.size === 0) return [];
      if (methods.has('GET')) methods.add('HEAD');
      methods.add('OPTIONS');
      return [...methods].sort();
    });

    // Before anything reads the body: a method the path lacks is a 405 whatever it carries.
    fastify.addHook('onRequest', (request, reply, done) => {
      if (request.method === 'OPTIONS') {
        const isPreflight =
          request.headers.origin !== undefined &&
          request.headers['access-control-request-method'] !== undefined;
        if (isPreflight) return done();
        const allowed = fastify.allowedMethods(pathOf(request.url));
        // An unknown path is a 404 like for any other method.
        if (allowed.length === 0) return reply.callNotFound();
        return reply.code(204).header('allow', allowed.join(', ')).send();
      }
      if (!request.is404) return done();
      const path = pathOf(request.url);
      const allowed = fastify.allowedMethods(path);
      if (allowed.length === 0) return done();
      sendProblem(reply.header('allow', allowed.join(', ')), {
        type: problemTypes.methodNotAllowed,
        title: titleForStatus(405),
        status: 405,
        detail: `${truncate(path)} does not support ${request.method}; it supports ${allowed.join(', ')}`,
      });
    });
  },
  { name: 'allowed-methods' },
);

/** A route URL (`/api/v1/jobs/:id`, `/docs/*`) as a regular expression over request paths. */
function toPattern(url: string): RegExp {
  const segments = url.split('/').map((segment) => {
    if (segment === '*') return '.*';
    if (segment.includes(':')) return '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/')}$`);
}
