import { NOTHING_AFTER, toPublicJob } from '@iscoolgpt/shared';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendEventStream, type EventStreamOptions } from '../../../http/sse.js';
import { sendProblem } from '../../../plugins/app/problem-details.js';
import { cancelJobSchema, getJobEventsSchema, getJobSchema } from '../../../schemas/jobs.js';
import { problemTypes } from '../../../schemas/problem.js';

/** One answer for an unknown id and for someone else's: no hint that it exists. */
export function sendJobNotFound(reply: FastifyReply, id: string) {
  return sendProblem(reply, {
    type: problemTypes.notFound,
    title: 'Job not found',
    status: 404,
    detail: `No job with id ${id} (jobs are kept for a limited time)`,
  });
}

const jobs: FastifyPluginAsyncZod<{ eventStream?: EventStreamOptions }> = async (
  fastify,
  { eventStream },
) => {
  fastify.get('/jobs/:id', { schema: getJobSchema }, async (request, reply) => {
    request.jobId = request.params.id;
    const job = await fastify.jobs.get(request.params.id, request.principal);
    if (!job) return sendJobNotFound(reply, request.params.id);
    return toPublicJob(job);
  });

  fastify.get('/jobs/:id/events', { schema: getJobEventsSchema }, async (request, reply) => {
    const { id } = request.params;
    request.jobId = id;
    const job = await fastify.jobs.get(id, request.principal);
    if (!job) return sendJobNotFound(reply, id);
    const slot = fastify.openStreams.take(request.principal);
    const lastEventId = request.headers['last-event-id'] ?? request.query.after;
    const events = await fastify.streams.open(job, lastEventId, slot.stop.signal).catch((error) => {
      slot.release();
      throw error;
    });
    // Nothing more will come for this finished job: 204 tells EventSource to stop reconnecting.
    if (events === NOTHING_AFTER) {
      slot.release();
      return reply.code(204).send(null);
    }
    return sendEventStream(reply, events, slot, eventStream);
  });

  fastify.post('/jobs/:id/cancel', { schema: cancelJobSchema }, async (request, reply) => {
    request.jobId = request.params.id;
    const job = await fastify.jobs.cancel(request.params.id, request.principal);
    if (!job) return sendJobNotFound(reply, request.params.id);
    return toPublicJob(job);
  });
};

export default jobs;
