import { EventStreams, type Conversations, type JobService } from '@iscoolgpt/shared';
import fp from 'fastify-plugin';
import type { OpenStreams } from '../../http/open-streams.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The jobs domain service: create, read, cancel and wait for jobs. */
    jobs: JobService;
    /** Jobs' event streams: first connects, resumes and replays. */
    streams: EventStreams;
    /** A principal's conversations: read, list, erase, export, claim. */
    conversations: Conversations;
    /** Open event streams per principal on this process (QUOTA_OPEN_STREAMS). */
    openStreams: OpenStreams;
  }
  interface FastifyRequest {
    /** The job this request created or read: the access line carries it. */
    jobId: string | undefined;
  }
}

export default fp<{ jobs: JobService; conversations: Conversations; openStreams: OpenStreams }>(
  async (fastify, { jobs, conversations, openStreams }) => {
    fastify.decorate('jobs', jobs);
    fastify.decorate('openStreams', openStreams);
    fastify.decorate('conversations', conversations);
    fastify.decorate('streams', new EventStreams(jobs, fastify.log));
    fastify.decorateRequest('jobId', undefined);
  },
  { name: 'jobs' },
);
