import { isSettled, toPublicJob, type JobRecord } from '@iscoolgpt/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CACHE_STATUS, NOT_LOOKED_UP, wantsFreshAnswer } from '../../../http/cache-status.js';
import { resolveWait } from '../../../http/prefer.js';
import { setQuestionsLeft, setQuestionsPolicy } from '../../../http/rate-limit.js';
import { sendEventStream, wantsEventStream, type EventStreamOptions } from '../../../http/sse.js';
import { sendProblem } from '../../../plugins/app/problem-details.js';
import { askSchema } from '../../../schemas/ask.js';
import { problemTypes } from '../../../schemas/problem.js';

/** How soon a client polling a pending job should come back. */
const RETRY_AFTER_SECONDS = 1;

export interface AskOptions {
  defaultWaitSeconds: number;
  eventStream?: EventStreamOptions;
}

const ask: FastifyPluginAsyncZod<AskOptions> = async (
  fastify,
  { defaultWaitSeconds, eventStream },
) => {
  const { quotas } = fastify.jobs;
  // Every ask's response says what the answer cache did (one refused early: nothing) and, for a
  // principal with a daily questions limit, its policy (RateLimit-Policy).
  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (!reply.hasHeader('cache-status')) reply.header('cache-status', NOT_LOOKED_UP);
    const limit = request.principal && quotas?.limitsFor(request.principal).questionsPerDay;
    if (limit && !reply.hasHeader('ratelimit-policy')) setQuestionsPolicy(reply, limit);
    return payload;
  };
  fastify.post('/ask', { schema: askSchema, onSend }, async (request, reply) => {
    // Read once: once validated, every `request.headers` is a fresh merged copy (Fastify).
    const { headers, principal } = request;
    const key = headers['idempotency-key'];
    const streamed = wantsEventStream(headers);
    // A stream the principal may not open refuses the ask before it makes a job.
    const slot = streamed ? fastify.openStreams.take(principal) : undefined;
    let submitted;
    try {
      // Keys are the principal's own: two principals with the same key never share a job.
      submitted = await fastify.jobs.submit(request.body, principal, key, {
        refresh: wantsFreshAnswer(headers['cache-control']),
      });
    } catch (error) {
      slot?.release();
      throw error;
    }
    // The access line carries it (a field, not a child logger: this is the hot path).
    request.jobId = submitted.job.id;
    reply.header('cache-status', CACHE_STATUS[submitted.cache]);
    // What is left of the day's questions (a replay was not counted: it is read).
    const left = submitted.quota ?? (submitted.created ? undefined : await quotas?.left(principal));
    if (left) setQuestionsLeft(reply, left);
    if (!submitted.created) {
      request.log.info({ jobId: submitted.job.id }, 'idempotent replay of an earlier ask');
    }
    if (slot) {
      // The job's stream, in this response: its first event is the job with its id.
      // A hit is settled already: its stream is its whole log (`job`, `delta`, `done`).
      const from = submitted.cache === 'hit' ? fastify.jobs.channel.origin : undefined;
      const events = await fastify.streams
        .open(submitted.job, from, slot.stop.signal)
        .catch((error: unknown) => {
          slot.release();
          throw error;
        });
      if (typeof events !== 'symbol') return sendEventStream(reply, events, slot, eventStream);
      slot.release();
    }
    const wait = resolveWait(headers.prefer, defaultWaitSeconds);
    const job =
      isSettled(submitted.job.status) || wait.seconds === 0
        ? submitted.job
        : ((await fastify.jobs.waitUntilSettled(submitted.job.id, wait.seconds * 1000)) ??
          submitted.job);
    if (wait.applied) reply.header('preference-applied', wait.applied);
    return sendJobState(reply, job);
  });
};

function sendJobState(reply: FastifyReply, job: JobRecord) {
  if (job.status === 'completed') return reply.code(200).send(toPublicJob(job));
  if (job.status === 'cancelled') {
    return sendProblem(reply, {
      type: problemTypes.jobCancelled,
      title: 'The job was cancelled',
      status: 409,
      detail: 'The job was cancelled before it was answered',
      code: 'cancelled',
      jobId: job.id,
    });
  }
  if (job.status === 'failed') {
    return sendProblem(reply, {
      type: problemTypes.jobFailed,
      title: 'The question could not be answered',
      status: 502,
      detail: job.error?.message ?? 'The job failed',
      code: job.error?.code ?? 'unknown',
      jobId: job.id,
    });
  }
  return reply
    .code(202)
    .header('location', `/api/v1/jobs/${job.id}`)
    .header('retry-after', String(RETRY_AFTER_SECONDS))
    .send(toPublicJob(job));
}

export default ask;
