/** The page's retry rule: which answers are tried again, and after how long. */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/problem.js';
import { MAX_DELAY_MS, MAX_RETRY_AFTER_MS, retryable, retryDelay } from '../src/api/retry.js';

const refusal = (status: number, retryAfterMs?: number) =>
  new ApiError({ type: 'about:blank', title: '', status, detail: '' }, retryAfterMs);

describe('retrying', () => {
  it('tries again after 429, 502, 503 and 504, not after other errors or a day-long Retry-After', () => {
    for (const status of [429, 502, 503, 504]) expect(retryable(refusal(status))).toBe(true);
    for (const status of [400, 404, 409, 422, 500]) expect(retryable(refusal(status))).toBe(false);
    expect(retryable(refusal(429, MAX_RETRY_AFTER_MS))).toBe(true);
    expect(retryable(refusal(429, 86_400_000))).toBe(false);
    expect(retryable(new TypeError('Failed to fetch'))).toBe(false);
  });

  it('never waits less than Retry-After, and adds at most a second of jitter to it', () => {
    for (const random of [0, 0.5, 0.999]) {
      const wait = retryDelay(3, 2000, () => random);
      expect(wait).toBeGreaterThanOrEqual(2000);
      expect(wait).toBeLessThan(3000);
    }
  });

  it('without Retry-After, waits grow exponentially up to a cap, each with jitter', () => {
    const low = (attempt: number) => retryDelay(attempt, undefined, () => 0);
    const high = (attempt: number) => retryDelay(attempt, undefined, () => 0.999);
    expect([0, 1, 2, 3].map(low)).toEqual([250, 500, 1000, 2000]);
    for (const attempt of [0, 1, 2, 3, 10]) expect(high(attempt)).toBeGreaterThan(low(attempt));
    expect(high(10)).toBeLessThanOrEqual(MAX_DELAY_MS);
    // Two browsers cut at the same moment come back at different times.
    expect(retryDelay(2, undefined, () => 0.1)).not.toBe(retryDelay(2, undefined, () => 0.9));
  });
});
