import type { JobService } from '@iscoolgpt/shared';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The jobs domain service: create, read and wait for jobs. */
    jobs: JobService;
  }
}

export default fp<{ jobs: JobService }>(
  async (fastify, { jobs }) => {
    fastify.decorate('jobs', jobs);
  },
  { name: 'jobs' },
);
