import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods some route serves at this path (with HEAD and OPTIONS), [] when none does. */
    allowedMethods(path: string): string[];
  }
}

/**
 * Knows which methods each URL has, from the routes as they are registered (routes added later,
 * by any plugin, are covered too). It backs two answers: `405` with `Allow` for a method a path
 * does not have (instead of 404), and `OPTIONS` that is not a CORS preflight (`204` with `Allow`;
 * a preflight stays with @fastify/cors). Register it before the CORS plugin and the routes.
 */
export default fp(
  async (fastify) => {
    const routes: { pattern: RegExp; method: string }[] = [];
    fastify.addHook('onRoute', (route) => {
      // The CORS plugin's catch-all `OPTIONS *` is how preflights reach its hook, not a resource.
      if (route.url === '*') return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const pattern = toPattern(route.url);
      for (const method of methods) routes.push({ pattern, method: method.toUpperCase() });
    });

    fastify.decorate('allowedMethods', (path: string): string[] => {
      const methods = new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
      if (methods.size === 0) return [];
      if (methods.has('GET')) methods.add('HEAD');
      methods.add('OPTIONS');
      return [...methods].sort();
    });

    fastify.addHook('onRequest', (request, reply, done) => {
      const isPreflight =
        request.headers.origin !== undefined &&
        request.headers['access-control-request-method'] !== undefined;
      if (request.method !== 'OPTIONS' || isPreflight) return done();
      const allowed = fastify.allowedMethods(pathOf(request.url));
      // An unknown path is a 404 like for any other method.
      if (allowed.length === 0) return reply.callNotFound();
      reply.code(204).header('allow', allowed.join(', ')).send();
    });
  },
  { name: 'allowed-methods' },
);

export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** A route URL (`/api/v1/jobs/:id`, `/docs/*`) as a regular expression over request paths. */
function toPattern(url: string): RegExp {
  const segments = url.split('/').map((segment) => {
    if (segment === '*') return '.*';
    if (segment.includes(':')) return '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/')}$`);
}
