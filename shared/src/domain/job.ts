import { z } from 'zod';

/**
 * A job moves only forward: queued → running → completed | failed | cancelled (running may repeat
 * on redelivery; a client may cancel a pending job).
 */
export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const PENDING_STATUSES: readonly JobStatus[] = ['queued', 'running'];

export function isSettled(status: JobStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** Providers a client may ask for by name. */
export const PROVIDER_NAMES = ['openai', 'huggingface'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
/** Who answered a job: a real provider, or the offline demo provider when no key is configured. */
export type AnsweredBy = ProviderName | 'offline';

/**
 * A character that is not whitespace as `String.prototype.trim` sees it, spelled out so the
 * OpenAPI document's `pattern` means the same in every regex engine a client may use.
 */
const NOT_BLANK = /[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** Trimmed text: leading and trailing whitespace goes, and the limits apply to what is left. */
const shortText = (max: number) =>
  z.string().trim().min(1).max(max).regex(NOT_BLANK, 'must not be blank');

/** The body of `POST /api/v1/ask`. Unknown fields are rejected so typos do not pass silently. */
export const askRequestSchema = z.strictObject({
  question: z
    .string()
    .trim()
    .min(1, 'question must not be empty')
    .max(8000, 'question must be at most 8000 characters')
    .regex(NOT_BLANK, 'question must not be empty')
    .describe('trimmed of leading and trailing whitespace; 1-8000 characters after that'),
  subject: shortText(100).optional().describe('e.g. "physics", "history"'),
  level: shortText(50).optional().describe('e.g. "high school", "undergraduate"'),
  language: shortText(35).optional().describe('language to answer in, e.g. "pt-BR", "English"'),
  provider: z.enum(PROVIDER_NAMES).optional().describe('ask one provider explicitly'),
  model: shortText(200)
    .optional()
    .describe("a model name the provider knows; default: the provider's"),
});
export type AskRequest = z.infer<typeof askRequestSchema>;

export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

export const jobErrorSchema = z.object({
  code: z.string().describe('stable machine-readable code, e.g. provider_rate_limited'),
  message: z.string(),
});
export type JobError = z.infer<typeof jobErrorSchema>;

/** The job as clients see it. */
export const jobSchema = z.object({
  id: z.uuid(),
  status: z.enum(JOB_STATUSES),
  question: z.string(),
  subject: z.string().nullable(),
  level: z.string().nullable(),
  language: z.string().nullable(),
  answer: z.string().nullable(),
  provider: z.string().nullable().describe('requested provider until answered, then who answered'),
  model: z.string().nullable(),
  usage: usageSchema.nullable(),
  attempts: z
    .number()
    .int()
    .nonnegative()
    .describe('provider calls made for this job, retries included'),
  error: jobErrorSchema.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
});
export type Job = z.infer<typeof jobSchema>;

/** The job as stored: the public fields plus the bookkeeping the worker and store need. */
export interface JobRecord extends Job {
  requestedProvider: ProviderName | null;
  requestedModel: string | null;
  /** After this instant a pending job reads `failed` / `deadline_exceeded`. */
  deadlineAt: string;
  /** While a worker holds the job, no other worker may start it before this instant. */
  leaseUntil: string | null;
  /** Epoch seconds after which the store may forget the job. */
  expiresAt: number;
  /** How many times a worker has taken the job (redeliveries after a crash count). */
  deliveries: number;
}

export function toPublicJob(record: JobRecord): Job {
  return {
    id: record.id,
    status: record.status,
    question: record.question,
    subject: record.subject,
    level: record.level,
    language: record.language,
    answer: record.answer,
    provider: record.provider,
    model: record.model,
    usage: record.usage,
    attempts: record.attempts,
    error: record.error,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    completedAt: record.completedAt,
  };
}

/** What the worker writes when a job ends; `attempts` provider calls are added to the job's count. */
export type Settlement =
  | {
      status: 'completed';
      answer: string;
      provider: AnsweredBy;
      model: string;
      usage: Usage;
      attempts: number;
    }
  | {
      status: 'failed' | 'cancelled';
      error: JobError;
      attempts: number;
      provider?: AnsweredBy;
      model?: string;
    };

/** The message on the queue carries only the job id: the question stays in the store. */
export const jobMessageSchema = z.strictObject({ jobId: z.uuid() });
export type JobMessage = z.infer<typeof jobMessageSchema>;
