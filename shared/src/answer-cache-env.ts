import { z } from 'zod';

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The environment variables of the answer cache (docs/answer-cache.md), part of the one config
 * schema (config.ts).
 */
export const answerCacheEnv = {
  /**
   * `on`: an identical first question in `explain` mode is answered from the completed answer
   * kept for it, without a model call; `off`: the model is asked every time. In memory in
   * embedded mode, in the event channel's Redis in AWS.
   */
  ANSWER_CACHE: z.enum(['on', 'off']).default('on'),
  /** How long an answer is kept (an explicit TTL on every entry): 7 days. */
  ANSWER_CACHE_TTL_SECONDS: count(7 * 24 * 60 * 60),
  /** Embedded mode keeps at most this many answers, the least recently used going first. */
  ANSWER_CACHE_MAX_ENTRIES: count(10_000),
  /** A lookup slower than this counts as a miss: the ask goes to the model, never waits longer. */
  ANSWER_CACHE_TIMEOUT_MS: count(200),
};
