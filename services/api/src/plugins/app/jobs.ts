import { EventStreams, type Conversations, type JobService } from '@iscoolgpt/shared';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The jobs domain service: create, read, cancel and wait for jobs. */
    jobs: JobService;
    /** Jobs' event streams: first connects, resumes and replays. */
    streams: EventStreams;
    /** A principal's conversations: read, list, erase, export, claim. */
    conversations: Conversations;
  }
  interface FastifyRequest {
    /** The job this request created or read: the access line carries it. */
    jobId: string | undefined;
  }
}

export default fp<{ jobs: JobService; conversations: Conversations }>(
  async (fastify, { jobs, conversations }) => {
    fastify.decorate('jobs', jobs);
    fastify.decorate('conversations', conversations);
    fastify.decorate('streams', new EventStreams(jobs, fastify.log));
    fastify.decorateRequest('jobId', undefined);
  },
  { name: 'jobs' },
);
