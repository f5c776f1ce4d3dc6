import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { ProviderError } from '../domain/errors.js';
import type {
  Answer,
  AnswerProvider,
  AnswerRequest,
  CallContext,
  Logger,
} from '../domain/ports.js';
import { asProviderError, type ProviderCall } from './chain.js';
import { askProvider } from './provider-span.js';

export interface RetryPolicyOptions {
  /** Calls to one provider for one job, the first included (LLM_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Each call is abandoned after this long (LLM_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** No retry starts this long after the first call began; default: one call's timeout. */
  maxElapsedMs?: number;
  /** The first retry waits minDelayMs × (1 to 2, at random); each later one twice as long, up to maxDelayMs. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /**
   * A provider asking (retry-after) to wait longer than this is not waited for: its error stands
   * and the chain moves on to the next provider.
   */
  maxRetryAfterMs?: number;
  logger: Logger;
}

export const RETRY_DEFAULTS = {
  minDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 20_000,
} as const;

/**
 * The one retry policy for every provider (the SDKs' own retries are off): retryable failures
 * (408, 409, 429, 5xx, network errors, timeouts) are tried again with exponential backoff and
 * jitter, after at least the delay the provider asked for in retry-after; the rest are final.
 */
export function retryingCall(options: RetryPolicyOptions): ProviderCall {
  const { maxAttempts, timeoutMs, logger } = options;
  const minDelayMs = options.minDelayMs ?? RETRY_DEFAULTS.minDelayMs;
  const maxDelayMs = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs;
  const maxElapsedMs = options.maxElapsedMs ?? timeoutMs;

  return async (provider, request, context) => {
    const signal = context?.signal;
    const startedAt = performance.now();
    let attempts = 0;
    try {
      const answer = await pRetry(
        () => {
          attempts += 1;
          if (attempts > 1) context?.onRestart?.('retry');
          return callWithTimeout(provider, request, timeoutMs, context);
        },
        {
          retries: maxAttempts - 1,
          factor: 2,
          minTimeout: minDelayMs,
          maxTimeout: maxDelayMs,
          randomize: true,
          maxRetryTime: maxElapsedMs,
          signal,
          onFailedAttempt: ({ error, attemptNumber }) => {
            const failure = error as ProviderError;
            (context?.logger ?? logger).warn(
              {
                provider: provider.name,
                attempt: attemptNumber,
                code: failure.code,
                status: failure.options.status,
                retryable: failure.retryable,
                retryAfterMs: failure.options.retryAfterMs,
              },
              'provider call failed',
            );
          },
          shouldRetry: async ({ error }) => {
            const failure = error as ProviderError;
            if (!failure.retryable) return false;
            const asked = failure.options.retryAfterMs;
            if (asked === undefined) return true;
            const left = maxElapsedMs - (performance.now() - startedAt);
            if (asked > maxRetryAfterMs || asked > left) return false;
            // The backoff p-retry adds after this spreads out the clients told the same instant.
            await sleep(asked, undefined, { signal });
            return true;
          },
        },
      );
      return { ok: true, answer, attempts };
    } catch (error) {
      return {
        ok: false,
        error: signal?.aborted ? cancelled() : asProviderError(error),
        attempts,
        provider: provider.name,
      };
    }
  };
}

async function callWithTimeout(
  provider: AnswerProvider,
  request: AnswerRequest,
  timeoutMs: number,
  context: CallContext | undefined,
): Promise<Answer> {
  const signal = context?.signal;
  const timer = AbortSignal.timeout(timeoutMs);
  try {
    return await askProvider(provider, request, {
      signal: signal ? AbortSignal.any([signal, timer]) : timer,
      onDelta: context?.onDelta,
    });
  } catch (error) {
    if (signal?.aborted) throw new AbortError(cancelled());
    if (timer.aborted) {
      throw new ProviderError(
        'provider_timeout',
        `${provider.name} did not answer within ${timeoutMs / 1000} s`,
        { retryable: true },
      );
    }
    throw asProviderError(error);
  }
}

function cancelled(): ProviderError {
  return new ProviderError('provider_unavailable', 'The provider call was cancelled', {
    retryable: true,
  });
}
