import { ProviderError, type JobErrorCode } from '../domain/errors.js';
import type { ProviderName } from '../domain/job.js';
import type {
  AnswerOutcome,
  AnswerProvider,
  AnswerRequest,
  Answerer,
  CallContext,
  CallOutcome,
} from '../domain/ports.js';
import { askProvider } from './provider-span.js';
import { UsageMeter } from './metering.js';
import { PriceTable } from './prices.js';

/** One provider, asked under the retry policy: the answer or the final error, and the calls made. */
export type ProviderCall = (
  provider: AnswerProvider,
  request: AnswerRequest,
  context?: CallContext,
) => Promise<CallOutcome>;

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
    /** What each call cost (LLM_PRICES over the defaults). */
    private readonly prices: PriceTable = new PriceTable(),
  ) {
    if (providers.length === 0) throw new Error('ProviderChain needs at least one provider');
  }

  get names(): string[] {
    return this.providers.map((provider) => provider.name);
  }

  /** Every call made for the request is metered: the outcome says what they used together. */
  async answer(
    request: AnswerRequest,
    requestedProvider: ProviderName | null,
    context?: CallContext,
  ): Promise<AnswerOutcome> {
    const meter = new UsageMeter(this.prices);
    const outcome = await this.pick(request, requestedProvider, context, meter);
    if (outcome.ok) return { ...outcome, usage: meter.usage };
    // A failed or stopped call that streamed was answered by someone: say who.
    const last = meter.last;
    return {
      ...outcome,
      usage: meter.usage,
      ...(last && {
        provider: outcome.provider ?? last.provider,
        model: outcome.model ?? last.model,
      }),
    };
  }

  private async pick(
    request: AnswerRequest,
    requestedProvider: ProviderName | null,
    context: CallContext | undefined,
    meter: UsageMeter,
  ): Promise<CallOutcome> {
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
      return this.call(meter.metered(provider), request, context);
    }
    let attempts = 0;
    let last: CallOutcome | undefined;
    for (const provider of this.providers) {
      // A model name belongs to one provider; fallbacks use their own default model.
      const first = provider === this.providers[0];
      const asked = first ? request : { ...request, model: null };
      if (!first) context?.onRestart?.('fallback');
      last = await this.call(meter.metered(provider), asked, context);
      attempts += last.attempts;
      if (last.ok || FINAL_CODES.has(last.error.code) || context?.signal?.aborted) break;
    }
    return { ...(last as CallOutcome), attempts };
  }
}

export function asProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError('provider_unavailable', 'The provider call failed unexpectedly', {
    retryable: true,
    cause: error,
  });
}
