import { z } from 'zod';
import type { ProviderName } from './domain/job.js';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

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
};

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
