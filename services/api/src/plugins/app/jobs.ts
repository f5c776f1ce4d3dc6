import { EventStreams, type JobService } from '@iscoolgpt/shared';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The jobs domain service: create, read, cancel and wait for jobs. */
    jobs: JobService;
    /** Jobs' event streams: first connects, resumes and replays. */
    streams: EventStreams;
  }
  interface FastifyRequest {
    /** The job this request created or read: the access line carries it. */
    jobId: string | undefined;
  }
}

export default fp<{ jobs: JobService }>(
  async (fastify, { jobs }) => {
    fastify.decorate('jobs', jobs);
    fastify.decorate('streams', new EventStreams(jobs, fastify.log));
    fastify.decorateRequest('jobId', undefined);
  },
  { name: 'jobs' },
);
