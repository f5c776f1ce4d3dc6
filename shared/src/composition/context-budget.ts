import type { Config } from '../config.js';
import type { ContextBudget } from '../domain/job-service.js';
import { minimalPromptTokensOver } from '../providers/prompt.js';

/** CONTEXT_MAX_TOKENS, measured by the prompt module's tokenizer. */
export function contextBudget(config: Pick<Config, 'CONTEXT_MAX_TOKENS'>): ContextBudget {
  const maxTokens = config.CONTEXT_MAX_TOKENS;
  return { maxTokens, tokensOver: (request) => minimalPromptTokensOver(request, maxTokens) };
}
