import type { MetricsExposition } from '@iscoolgpt/shared';
import type { FastifyPluginAsync } from 'fastify';

/**
 * `GET /metrics`: this process's Prometheus text. For scrapers inside the network (the ALB is
 * internal, and neither API Gateway nor CloudFront routes this path); not part of the public
 * API, so not in the OpenAPI document.
 */
const metrics: FastifyPluginAsync<{ exposition: MetricsExposition }> = async (
  fastify,
  { exposition },
) => {
  fastify.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) =>
    reply
      .header('content-type', exposition.contentType)
      .header('cache-control', 'no-store')
      .send(await exposition.text()),
  );
};

export default metrics;
