/**
 * A fixed-window counter per key: the first `points` events of a window pass, the rest are told
 * how long to wait. Atomic across processes when the adapter's store is shared (Redis).
 */
export interface RateLimiter {
  consume(key: string): Promise<RateLimitDecision>;
}

export type RateLimitDecision =
  | { allowed: true }
  /** Refused: the window resets in `retryAfterSeconds` (at least 1). */
  | { allowed: false; retryAfterSeconds: number };
