import type { JobService } from '@iscoolgpt/shared';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The jobs domain service: create, read and wait for jobs. */
    jobs: JobService;
  }
  interface FastifyRequest {
    /** The job this request created or read: the access line carries it. */
    jobId: string | undefined;
  }
}

export default fp<{ jobs: JobService }>(
  async (fastify, { jobs }) => {
    fastify.decorate('jobs', jobs);
    fastify.decorateRequest('jobId', undefined);
  },
  { name: 'jobs' },
);
