import {
  ModelNotAllowedError,
  ProviderNotConfiguredError,
  QuestionTooLongError,
} from './errors.js';
import type { CacheOutcome } from './cached-answers.js';
import type { AskRequest, JobRecord, ProviderName } from './job.js';
import type { QuestionsLeft } from './quotas.js';
import type { AnswerRequest } from './ports.js';

/** How big a prompt may be (CONTEXT_MAX_TOKENS), and how a request's smallest prompt is counted. */
export interface ContextBudget {
  maxTokens: number;
  /**
   * Tokens of the system prompt and the question alone (providers/prompt.ts) when they exceed
   * maxTokens; undefined when they fit (which is often known without counting every token).
   */
  tokensOver(request: AnswerRequest): number | undefined;
}

/** What an ask came to: its job, whether it is new, what the cache did, the questions left. */
export interface Submitted {
  job: JobRecord;
  created: boolean;
  cache: CacheOutcome;
  /** The questions policy after this ask was counted (absent: uncounted, or unlimited). */
  quota?: QuestionsLeft;
}

/** Refuses an ask naming a provider the workers lack or a model off the allowlist. */
export function checkChoices(
  request: AskRequest,
  providers: readonly ProviderName[],
  models: readonly string[],
): void {
  if (request.provider && !providers.includes(request.provider)) {
    throw new ProviderNotConfiguredError(request.provider, providers);
  }
  if (request.model !== undefined && !models.includes(request.model)) {
    throw new ModelNotAllowedError(request.model, models);
  }
}

/** Refuses a question whose smallest prompt (its new job's settings, no history) cannot fit. */
export function checkBudget(
  budget: ContextBudget | undefined,
  request: AskRequest,
  job: JobRecord,
): void {
  if (!budget) return;
  const tokens = budget.tokensOver({
    question: request.question,
    subject: job.subject,
    level: job.level,
    language: job.language,
    mode: job.mode,
    model: request.model ?? null,
  });
  if (tokens !== undefined) throw new QuestionTooLongError(tokens, budget.maxTokens);
}
