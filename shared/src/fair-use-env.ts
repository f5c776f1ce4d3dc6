import { z } from 'zod';
import type { ProviderName } from './domain/job.js';
import type { QuotaSettings } from './domain/quotas.js';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** A limit: a whole number, 0 meaning unlimited. */
const limit = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

/**
 * The environment variables of fair use (issue 20: which models, how long an answer, what it
 * costs), part of the one config schema (config.ts).
 */
export const fairUseEnv = {
  /**
   * The models an ask may name, all providers together (comma-separated); default: each
   * available provider's default model (OPENAI_MODEL, HF_MODEL). Any other is refused with 422.
   */
  LLM_MODELS: optionalString.pipe(
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().max(200)).min(1, 'lists no model'))
      .optional(),
  ),
  /** The most tokens one provider call may write (max_completion_tokens / max_tokens). */
  LLM_MAX_OUTPUT_TOKENS: count(1024),
  /**
   * USD per million tokens by model, JSON: `{"gpt-4o-mini":{"input":0.15,"output":0.6}}`. Added
   * to (and overriding) the built-in prices of the default models (providers/prices.ts).
   */
  LLM_PRICES: optionalString.pipe(
    z
      .string()
      .transform((value, context) => {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          context.addIssue({ code: 'custom', message: 'must be JSON' });
          return z.NEVER;
        }
      })
      .pipe(
        z.record(
          z.string().min(1),
          z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }),
          { error: 'must map each model to {"input": USD, "output": USD} per million tokens' },
        ),
      )
      .optional(),
  ),
  // Quotas, per principal (docs/fair-use.md): 0 means unlimited; a day is a UTC day.
  /** Questions a day of a student, a teacher or `anonymous`. */
  QUOTA_QUESTIONS_PER_DAY: limit(100),
  /** Questions a day of a guest. */
  QUOTA_GUEST_QUESTIONS_PER_DAY: limit(20),
  /** Tokens a day (input and output together); an ask is refused once they are reached. */
  QUOTA_TOKENS_PER_DAY: limit(200_000),
  /** Pending jobs a principal may hold at once. */
  QUOTA_PENDING_JOBS: limit(3),
  /** Open event streams per principal on one api process. */
  QUOTA_OPEN_STREAMS: limit(5),
};

/** The quota settings of a config, as the domain takes them. */
export function quotaSettings(config: {
  QUOTA_QUESTIONS_PER_DAY: number;
  QUOTA_GUEST_QUESTIONS_PER_DAY: number;
  QUOTA_TOKENS_PER_DAY: number;
  QUOTA_PENDING_JOBS: number;
  QUOTA_OPEN_STREAMS: number;
}): QuotaSettings {
  return {
    questionsPerDay: config.QUOTA_QUESTIONS_PER_DAY,
    guestQuestionsPerDay: config.QUOTA_GUEST_QUESTIONS_PER_DAY,
    tokensPerDay: config.QUOTA_TOKENS_PER_DAY,
    pendingJobs: config.QUOTA_PENDING_JOBS,
    openStreams: config.QUOTA_OPEN_STREAMS,
  };
}

/**
 * The models an ask may name: LLM_MODELS, or else the default model of each provider in
 * `providers` (those this process's asks may use).
 */
export function allowedModels(
  config: { LLM_MODELS?: string[] | undefined; OPENAI_MODEL: string; HF_MODEL: string },
  providers: readonly ProviderName[],
): string[] {
  if (config.LLM_MODELS) return [...new Set(config.LLM_MODELS)];
  return providers.map((name) => (name === 'openai' ? config.OPENAI_MODEL : config.HF_MODEL));
}
