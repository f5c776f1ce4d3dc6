import { z } from 'zod';

/** RFC 9457 problem details; extension members (code, jobId, errors) ride along. */
export const problemSchema = z
  .looseObject({
    type: z.string().describe('a URI reference naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
  })
  .meta({ id: 'Problem' });

export const validationProblemSchema = problemSchema
  .extend({
    errors: z
      .array(
        z.object({
          in: z.string().describe('body, headers or params'),
          field: z.string().describe('the offending field ("" for the whole body)'),
          message: z.string(),
        }),
      )
      .optional()
      .describe(
        'one entry per invalid field (at most 20; field names cut at 100 characters); absent ' +
          'when the body is not JSON at all',
      ),
    errorCount: z
      .number()
      .int()
      .optional()
      .describe('how many invalid fields there were, when more than `errors` lists'),
  })
  .meta({ id: 'ValidationProblem' });

/** 422: a request we understood but will not act on, with a code a client can branch on. */
export const unprocessableProblemSchema = problemSchema
  .extend({
    code: z
      .enum(['provider_not_configured', 'model_not_allowed', 'idempotency_key_reused'])
      .describe(
        'provider_not_configured: `provider` names one this server lacks; model_not_allowed: ' +
          '`model` is not on the allowlist (LLM_MODELS)',
      ),
    providers: z
      .array(z.string())
      .optional()
      .describe(
        'with provider_not_configured: the values `provider` may take here ([] when the server ' +
          'answers with the offline demo provider only: send no `provider`)',
      ),
    models: z
      .array(z.string())
      .optional()
      .describe(
        'with model_not_allowed: the values `model` may take here ([] when none may be named: ' +
          'send no `model`)',
      ),
  })
  .meta({ id: 'UnprocessableProblem' });

export const jobFailedProblemSchema = problemSchema
  .extend({ code: z.string(), jobId: z.uuid() })
  .meta({ id: 'JobFailedProblem' });

export const jobNotCompletedProblemSchema = problemSchema
  .extend({ code: z.literal('job_not_completed'), jobId: z.uuid() })
  .meta({ id: 'JobNotCompletedProblem' });

export type Problem = z.infer<typeof problemSchema>;

/** Problem type URIs, relative to the API: one per kind of problem a client may want to branch on. */
export const problemTypes = {
  validation: '/problems/validation-error',
  malformedJson: '/problems/malformed-json',
  unsupportedMediaType: '/problems/unsupported-media-type',
  payloadTooLarge: '/problems/payload-too-large',
  notFound: '/problems/not-found',
  idempotencyConflict: '/problems/idempotency-key-reused',
  providerNotConfigured: '/problems/provider-not-configured',
  modelNotAllowed: '/problems/model-not-allowed',
  jobFailed: '/problems/job-failed',
  turnInProgress: '/problems/turn-in-progress',
  questionTooLong: '/problems/question-too-long',
  jobNotCompleted: '/problems/job-not-completed',
  jobCancelled: '/problems/job-cancelled',
  unavailable: '/problems/service-unavailable',
  internal: '/problems/internal-error',
  requestTimeout: '/problems/request-timeout',
  headersTooLarge: '/problems/headers-too-large',
  malformedRequest: '/problems/malformed-request',
  methodNotAllowed: '/problems/method-not-allowed',
  unauthenticated: '/problems/unauthenticated',
  invalidToken: '/problems/invalid-token',
  tooManyRequests: '/problems/too-many-requests',
  limitReached: '/problems/limit-reached',
  forbidden: '/problems/forbidden',
  invalidGuestToken: '/problems/invalid-guest-token',
} as const;

/**
 * Titles for errors we did not name ourselves (a framework or parser error), by status: a client
 * reads a stable, human title, never an internal class name.
 */
const STATUS_TITLES: Record<number, string> = {
  400: 'Bad request',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'Request timeout',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export function titleForStatus(status: number): string {
  return STATUS_TITLES[status] ?? (status >= 500 ? 'Server error' : 'Client error');
}
