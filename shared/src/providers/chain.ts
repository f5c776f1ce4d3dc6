import { ProviderError, type JobErrorCode } from '../domain/errors.js';
import type { ProviderName } from '../domain/job.js';
import type {
  AnswerOutcome,
  AnswerProvider,
  AnswerRequest,
  Answerer,
  CallContext,
} from '../domain/ports.js';
import { askProvider } from './provider-span.js';

/** One provider, asked under the retry policy: the answer or the final error, and the calls made. */
export type ProviderCall = (
  provider: AnswerProvider,
  request: AnswerRequest,
  context?: CallContext,
) => Promise<AnswerOutcome>;

/** Asks a provider once; the retry policy replaces it where retries are configured. */
export const callOnce: ProviderCall = async (provider, request, context) => {
  try {
    const answer = await askProvider(provider, request, {
      signal: context?.signal,
      onDelta: context?.onDelta,
    });
    return { ok: true, answer, attempts: 1 };
  } catch (error) {
    return { ok: false, error: asProviderError(error), attempts: 1, provider: provider.name };
  }
};

/**
 * Failures that end the chain. A refusal is about the content: asking the next provider would only
 * shop for a laxer filter. Every other failure may be the provider's own (its key, its quota, its
 * model's limits, its outage), so the next provider is tried.
 */
const FINAL_CODES: ReadonlySet<JobErrorCode> = new Set(['content_filtered']);

/**
 * Picks who answers: the provider a request names, or else the configured chain in order, moving
 * to the next provider when the previous one failed (after its retries) for a reason of its own.
 */
export class ProviderChain implements Answerer {
  constructor(
    private readonly providers: readonly AnswerProvider[],
    private readonly call: ProviderCall = callOnce,
  ) {
    if (providers.length === 0) throw new Error('ProviderChain needs at least one provider');
  }

  get names(): string[] {
    return this.providers.map((provider) => provider.name);
  }

  async answer(
    request: AnswerRequest,
    requestedProvider: ProviderName | null,
    context?: CallContext,
  ): Promise<AnswerOutcome> {
    if (requestedProvider) {
      const provider = this.providers.find((candidate) => candidate.name === requestedProvider);
      if (!provider) {
        return {
          ok: false,
          attempts: 0,
          error: new ProviderError(
            'provider_not_configured',
            `Provider "${requestedProvider}" is not configured on this server`,
            { retryable: false },
          ),
        };
      }
      return this.call(provider, request, context);
    }
    let attempts = 0;
    let last: AnswerOutcome | undefined;
    for (const provider of this.providers) {
      // A model name belongs to one provider; fallbacks use their own default model.
      const first = provider === this.providers[0];
      const asked = first ? request : { ...request, model: null };
      if (!first) context?.onRestart?.('fallback');
      last = await this.call(provider, asked, context);
      attempts += last.attempts;
      if (last.ok || FINAL_CODES.has(last.error.code) || context?.signal?.aborted) break;
    }
    return { ...(last as AnswerOutcome), attempts };
  }
}

export function asProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError('provider_unavailable', 'The provider call failed unexpectedly', {
    retryable: true,
    cause: error,
  });
}
