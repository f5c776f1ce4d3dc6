import { z } from 'zod';
import { problemSchema } from './problem.js';
import { headerDocs, jsonResponse, problemResponse, type HeaderDoc } from './responses.js';

/** 429: a per-principal limit (issue 20), with which one and when asking again can succeed. */
export const limitReachedProblemSchema = problemSchema
  .extend({
    code: z
      .enum(['quota_exceeded', 'too_many_pending', 'too_many_streams'])
      .describe(
        "quota_exceeded: the day's questions or tokens are used up (until `resetsAt`); " +
          'too_many_pending: QUOTA_PENDING_JOBS questions are pending; too_many_streams: ' +
          'QUOTA_OPEN_STREAMS event streams are open on this server',
      ),
    limit: z.enum(['questions', 'tokens', 'pending', 'streams']).describe('the limit reached'),
    allowed: z.number().int().describe('what that limit allows (per UTC day, or at once)'),
    resetsAt: z.iso
      .datetime()
      .optional()
      .describe('with quota_exceeded: when the day resets (the next UTC midnight)'),
  })
  .meta({ id: 'LimitReachedProblem' });

/** IETF httpapi RateLimit header fields (draft-ietf-httpapi-ratelimit-headers). */
export const rateLimitHeaderDocs = {
  'ratelimit-policy': {
    description:
      'The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal ' +
      'has no daily limit (QUOTA_*=0, or an app)',
    schema: { type: 'string' },
  },
  ratelimit: {
    description:
      'What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day\'s end>`',
    schema: { type: 'string' },
  },
} satisfies Record<string, HeaderDoc>;

export const limitReachedResponse = (
  description: string,
  headers: Record<string, HeaderDoc> = {},
) =>
  problemResponse(limitReachedProblemSchema, description, {
    'retry-after': {
      ...headerDocs.retryAfter,
      description: 'Seconds until asking again can succeed (to the reset, for quota_exceeded)',
    },
    ...headers,
  });

export const usageResponseSchema = z
  .object({
    day: z.iso.date().describe('the UTC day counted'),
    questions: z.object({
      used: z.number().int().nonnegative(),
      limit: z.number().int().positive().nullable().describe('null: unlimited'),
    }),
    tokens: z.object({
      used: z.number().int().nonnegative().describe('input and output, of the jobs settled today'),
      limit: z.number().int().positive().nullable().describe('null: unlimited'),
    }),
    costUsd: z.number().nonnegative().describe('what today’s answers cost, in USD'),
    resetsAt: z.iso.datetime().describe('when the day ends (the next UTC midnight)'),
  })
  .meta({ id: 'Usage' });

export const usageSchema = {
  summary: 'My usage today',
  description:
    'What the principal making the request used this UTC day against their quotas: questions ' +
    'asked, tokens their answers used, what they cost, and when the day resets. A limit is null ' +
    'when there is none (an app, or QUOTA_*=0).',
  tags: ['identity'],
  response: { 200: jsonResponse(usageResponseSchema, 'The day so far') },
};
