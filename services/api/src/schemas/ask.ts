import { askRequestSchema, jobSchema } from '@iscoolgpt/shared';
import { z } from 'zod';
import { eventStreamSchema } from './events.js';
import {
  jobFailedProblemSchema,
  problemSchema,
  unprocessableProblemSchema,
  validationProblemSchema,
} from './problem.js';
import { limitReachedResponse, rateLimitHeaderDocs } from './quotas.js';
import { headerDocs, jsonResponse, problemResponse } from './responses.js';

export const jobResponseSchema = jobSchema.meta({ id: 'Job' });

export const askHeadersSchema = z.looseObject({
  prefer: z
    .string()
    .optional()
    .describe('RFC 7240: `wait=N` (seconds, capped at 25) or `respond-async`'),
  'cache-control': z
    .string()
    .optional()
    .describe(
      'RFC 9111: `no-cache` skips the answer cache: the model is asked and its answer replaces ' +
        'the kept one',
    ),
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be 1-255 visible ASCII characters')
    .optional()
    .describe('replaying the same key with the same body returns the same job'),
});

/** Every ask's response says what the answer cache did, and the questions policy. */
const cacheStatus = { 'cache-status': headerDocs.cacheStatus, ...rateLimitHeaderDocs };
const problem = (schema: z.ZodType, description: string) =>
  problemResponse(schema, description, cacheStatus);

export const askSchema = {
  summary: 'Ask a question',
  description:
    'Creates a job. Answers 200 with the completed job if it finishes within the wait budget ' +
    '(Prefer: wait=N, default SYNC_WAIT_SECONDS), 202 with the pending job and a Location to poll ' +
    'otherwise (or at once with Prefer: respond-async), 502 if the job failed within the wait, ' +
    '409 if it was cancelled while the request waited. With `Accept: text/event-stream` the ' +
    "answer streams in the same response (200): the job's event stream, as " +
    '`GET /api/v1/jobs/{id}/events` sends it, whose first event is the job with its id. ' +
    'With `conversationId` the job is the next turn of that conversation (404 if unknown; 409 ' +
    'with `code: turn_in_progress`, `conversationId` and the pending `jobId` while its latest ' +
    'turn is pending) and inherits its subject, level, language and mode unless the ask sets ' +
    'them; without it, the ask starts a new conversation. 422 when the question alone does not ' +
    'fit CONTEXT_MAX_TOKENS. A first question in explain mode may be answered from the answer ' +
    'cache (`Cache-Status: iscoolgpt; hit`, the job `cached: true`, nothing used and the ' +
    'original usage in `cachedUsage`), at once and like any job, its stream included. ' +
    'Quotas per principal (counted before the job exists): 429 `quota_exceeded` once the UTC ' +
    "day's questions or tokens are used up, `too_many_pending` while QUOTA_PENDING_JOBS " +
    'questions are pending, `too_many_streams` for a stream past QUOTA_OPEN_STREAMS, each with ' +
    'Retry-After; RateLimit-Policy and RateLimit say the daily questions policy and what is left.',
  tags: ['ask'],
  body: askRequestSchema,
  headers: askHeadersSchema,
  response: {
    200: {
      description: 'The completed job; with `Accept: text/event-stream`, its event stream',
      content: {
        'application/json': { schema: jobResponseSchema },
        'text/event-stream': { schema: eventStreamSchema },
      },
      headers: { 'preference-applied': headerDocs.preferenceApplied, ...cacheStatus },
    },
    202: jsonResponse(jobResponseSchema, 'The job, still pending: poll its Location', {
      location: headerDocs.location,
      'retry-after': headerDocs.retryAfter,
      'preference-applied': headerDocs.preferenceApplied,
      ...cacheStatus,
    }),
    400: problem(validationProblemSchema, 'The request is not a valid ask'),
    413: problem(problemSchema, 'The body is too large'),
    404: problem(problemSchema, 'No such conversation'),
    415: problem(problemSchema, 'The body is not UTF-8 JSON'),
    // `code: cancelled` (the job was cancelled while the request waited) or `turn_in_progress`.
    409: problem(jobFailedProblemSchema, 'The job was cancelled, or a turn is in progress'),
    422: problem(unprocessableProblemSchema, 'The ask cannot be answered as it is'),
    429: limitReachedResponse('A quota or limit of the principal is reached', cacheStatus),
    502: problem(jobFailedProblemSchema, 'The job failed'),
    503: problemResponse(problemSchema, 'The service cannot take the job now: retry later', {
      'retry-after': headerDocs.retryAfter,
      ...cacheStatus,
    }),
  },
};
