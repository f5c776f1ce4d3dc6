import { NO_METRICS, type Metrics } from '@iscoolgpt/shared';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where the HTTP layer counts what it sees (event streams opened and closed, refusals). */
    metrics: Metrics;
  }
}

export default fp<{ metrics?: Metrics | undefined }>(
  async (fastify, { metrics }) => {
    fastify.decorate('metrics', metrics ?? NO_METRICS);
  },
  { name: 'metrics' },
);
