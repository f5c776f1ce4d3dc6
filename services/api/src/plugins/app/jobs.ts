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
    /** The event streams this process is sending (QUOTA_OPEN_STREAMS per principal). */
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
    // Before the server waits for its requests to end: open streams would otherwise hold it
    // until their clients leave.
    fastify.addHook('preClose', (done) => {
      openStreams.endAll();
      done();
    });
    fastify.decorate('conversations', conversations);
    fastify.decorate('streams', new EventStreams(jobs, fastify.log));
    fastify.decorateRequest('jobId', undefined);
  },
  { name: 'jobs' },
);
