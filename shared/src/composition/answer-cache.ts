import type { Config } from '../config.js';
import type { AnswerKeyContext } from '../domain/answer-key.js';
import { CachedAnswers } from '../domain/cached-answers.js';
import type { ProviderName } from '../domain/job.js';
import type { Metrics } from '../domain/metrics.js';
import type { AnswerCache, Logger } from '../domain/ports.js';
import type { SettlementWatch } from '../domain/settlement-watch.js';
import type { Settler } from '../domain/settler.js';
import { OFFLINE_MODEL } from '../providers/offline.js';
import { PROMPT_VERSION } from '../providers/prompt-version.js';

/**
 * What an answer's key is made of besides the ask: the prompts' version, the output cap, and the
 * providers (with their default models) an ask that names none is answered by, in chain order.
 */
export function answerKeyContext(
  config: Config,
  providers: readonly ProviderName[],
): AnswerKeyContext {
  const models: Record<ProviderName, string> = {
    openai: config.OPENAI_MODEL,
    huggingface: config.HF_MODEL,
  };
  return {
    promptVersion: PROMPT_VERSION,
    maxOutputTokens: null,
    defaults:
      providers.map((name) => `${name}:${models[name]}`).join(',') || `offline:${OFFLINE_MODEL}`,
  };
}

export interface AnswerCacheParts {
  /** The store this process keeps answers in (memory in embedded mode, Redis in AWS). */
  cache: AnswerCache;
  /** The providers asks are answered by (the job service's). */
  providers: readonly ProviderName[];
  settler: Settler;
  settlements: SettlementWatch;
  logger: Logger;
  metrics: Metrics;
}

/** The answer cache's rules over this process's store; undefined when ANSWER_CACHE=off. */
export function buildCachedAnswers(
  config: Config,
  parts: AnswerCacheParts,
): CachedAnswers | undefined {
  if (config.ANSWER_CACHE === 'off') return undefined;
  return new CachedAnswers({
    ...parts,
    keyContext: answerKeyContext(config, parts.providers),
    timeoutMs: config.ANSWER_CACHE_TIMEOUT_MS,
  });
}
