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

/**
 * How the assistant teaches: `explain` (a step-by-step explanation), `tutor` (Socratic: guides
 * with questions and hints, never hands over a homework answer before the student has tried),
 * `quiz` (asks one question at a time and keeps score). The prompts are in providers/prompt.ts.
 */
export const MODES = ['explain', 'tutor', 'quiz'] as const;
export type Mode = (typeof MODES)[number];
export const DEFAULT_MODE: Mode = 'explain';

export const RATINGS = ['up', 'down'] as const;

/** The body of `PUT /api/v1/jobs/{id}/feedback`. */
export const feedbackRequestSchema = z.strictObject({
  rating: z.enum(RATINGS),
  comment: z
    .string()
    .trim()
    .max(2000, 'comment must be at most 2000 characters')
    .optional()
    .describe('what was good or wrong about the answer'),
});
export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;

export const feedbackSchema = z.object({
  rating: z.enum(RATINGS),
  comment: z.string().nullable(),
  givenAt: z.iso.datetime(),
});
export type Feedback = z.infer<typeof feedbackSchema>;

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
  conversationId: z
    .uuid('must be a conversation id (UUID)')
    // UUIDs are case-insensitive (RFC 9562); ids are stored lowercase.
    .transform((id) => id.toLowerCase())
    .optional()
    .describe('continue this conversation; without it, the ask starts a new one'),
  mode: z
    .enum(MODES)
    .optional()
    .describe("how to teach; default: the conversation's mode, or explain for a new one"),
});
export type AskRequest = z.infer<typeof askRequestSchema>;

/** Tokens a provider call used, as the provider reported them (or the tokenizer counted them). */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z
    .number()
    .nonnegative()
    .nullable()
    .describe(
      'what the provider calls cost in USD (6 decimals), by the price table (LLM_PRICES); null ' +
        "when a model's price is unknown; 0 for the offline demo provider",
    ),
});
/** What a job's provider calls used, retries and fallbacks included, and what that cost. */
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
  partialAnswer: z
    .string()
    .nullable()
    .describe(
      'a cancelled job: the text streamed before the cancel (its `answer` stays null); ' +
        'null otherwise, and null while the worker has not yet written it',
    ),
  provider: z.string().nullable().describe('requested provider until answered, then who answered'),
  model: z.string().nullable(),
  usage: usageSchema
    .nullable()
    .describe("what this job's provider calls used (nothing for an answer reused from the cache)"),
  cached: z
    .boolean()
    .describe(
      'the answer was reused, not asked of the model: the answer cache had it, or an identical ' +
        'first question in flight at the same time asked for it',
    ),
  cachedUsage: usageSchema
    .nullable()
    .describe('for a reused answer, what the call that wrote it used (null otherwise)'),
  attempts: z
    .number()
    .int()
    .nonnegative()
    .describe('provider calls made for this job, retries included'),
  error: jobErrorSchema.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  conversationId: z.uuid().describe('the conversation this job is a turn of'),
  turn: z.number().int().positive().describe('1-based position in its conversation'),
  mode: z.enum(MODES),
  feedback: feedbackSchema.nullable().describe("the student's rating of the answer, if any"),
});
export type Job = z.infer<typeof jobSchema>;

/** The job as stored: the public fields plus the bookkeeping the worker and store need. */
export interface JobRecord extends Job {
  /** The principal who asked (Principal.id): the only one who may see, rate or cancel it. */
  ownerId: string;
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
  /**
   * The answer cache's key for the job's answer (domain/answer-key.ts): set when the job may be
   * answered from the cache and its answer kept there; null (or absent) otherwise.
   */
  cacheKey?: string | null;
  /** The ask said `Cache-Control: no-cache`: ask the model, whatever the cache holds, and replace it. */
  cacheRefresh?: boolean;
}

/** A usage as stored before costs were counted: its cost unknown. */
function withCost(usage: Usage): Usage {
  return { ...usage, costUsd: usage.costUsd ?? null };
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
    // Jobs stored before partial answers were kept have none.
    partialAnswer: record.partialAnswer ?? null,
    provider: record.provider,
    model: record.model,
    // Jobs stored before costs were counted read as of unknown cost.
    usage: record.usage && withCost(record.usage),
    // Jobs stored before the answer cache read as asked of the model.
    cached: record.cached ?? false,
    cachedUsage: record.cachedUsage ? withCost(record.cachedUsage) : null,
    attempts: record.attempts,
    error: record.error,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    completedAt: record.completedAt,
    // Jobs stored before conversations existed read as one-turn explain conversations.
    conversationId: record.conversationId ?? record.id,
    turn: record.turn ?? 1,
    mode: record.mode ?? DEFAULT_MODE,
    feedback: record.feedback ?? null,
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
      /**
       * The answer was reused (the cache, or an identical ask in flight): what the call that
       * wrote it used. `usage` is then this job's own, nothing.
       */
      cachedUsage?: Usage;
    }
  | {
      status: 'failed' | 'cancelled';
      error: JobError;
      attempts: number;
      provider?: AnsweredBy;
      model?: string;
      /** What the calls used before they failed (nothing for failures decided by us). */
      usage?: Usage | null;
    };

/**
 * A provider call whose outcome could not settle its job, because someone else settled it first
 * (a client's cancel stopped the call, or the deadline passed): what it used, written onto the
 * settled job, so a stopped answer is still counted.
 */
export interface StoppedCall {
  /** Provider calls made, added to the job's. */
  attempts: number;
  usage: Usage | null;
  /** Who was answering, when a call got that far. */
  provider?: AnsweredBy;
  model?: string;
  /** The text streamed before a client's cancel, kept on the cancelled job (`partialAnswer`). */
  partialAnswer?: string;
}

/** The message on the queue carries only the job id: the question stays in the store. */
export const jobMessageSchema = z.strictObject({ jobId: z.uuid() });
export type JobMessage = z.infer<typeof jobMessageSchema>;
