/**
 * When to try a request again, and after how long: one rule for the JSON calls, the ask and the
 * streams' reconnections. Answers that say "later" (429, 502, 503, 504) are retried; so are
 * network failures. The wait grows exponentially, with random jitter (so that thousands of
 * browsers cut by the same deploy do not come back in step), and never undercuts the server's
 * `Retry-After`. A dozen lines of our own rather than a retry library: none reads `Retry-After`
 * from our errors or lets the stream's wait be cut short when the browser comes back online.
 */
import { ApiError } from './problem.js';

const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
export const BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 8000;
/** A `Retry-After` longer than this (a quota for the day) is the student's to read, not to sleep on. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** Tries of one request answered "later" before the page says so (network cuts retry for ever). */
export const MAX_ATTEMPTS = 6;

/** Whether an HTTP answer says to try again later, in a wait the page is willing to make. */
export function retryable(error: unknown): error is ApiError {
  return (
    error instanceof ApiError &&
    RETRY_STATUSES.has(error.status) &&
    (error.retryAfterMs ?? 0) <= MAX_RETRY_AFTER_MS
  );
}

/**
 * The wait before try number `attempt + 1` (attempt 0 is the first retry): a random share of an
 * exponentially growing ceiling, and at least the server's `Retry-After` plus a little jitter.
 */
export function retryDelay(attempt: number, retryAfterMs?: number, random = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  if (retryAfterMs !== undefined) return retryAfterMs + random() * Math.min(1000, ceiling);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** Runs `call` until it succeeds, or fails with an error not worth retrying, or tries run out. */
export async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      // A network failure is worth another try while the browser believes it is online.
      const again = retryable(error) || (!(error instanceof ApiError) && navigator.onLine);
      if (!again || attempt + 1 >= MAX_ATTEMPTS) throw error;
      const wait = retryDelay(attempt, error instanceof ApiError ? error.retryAfterMs : undefined);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
