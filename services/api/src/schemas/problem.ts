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
      .describe('one entry per invalid field; absent when the body is not JSON at all'),
  })
  .meta({ id: 'ValidationProblem' });

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
  jobFailed: '/problems/job-failed',
  turnInProgress: '/problems/turn-in-progress',
  questionTooLong: '/problems/question-too-long',
  jobNotCompleted: '/problems/job-not-completed',
  jobCancelled: '/problems/job-cancelled',
  unavailable: '/problems/service-unavailable',
  internal: '/problems/internal-error',
} as const;
