import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimiter, RateLimitDecision } from '../domain/rate-limit.js';

export interface RateLimitSettings {
  /** Keys of this limiter live under this prefix (one limiter's keys never meet another's). */
  keyPrefix: string;
  /** Events allowed per window. */
  points: number;
  windowSeconds: number;
}

/**
 * The RateLimiter port over rate-limiter-flexible: the same contract whatever the store (memory
 * in embedded mode, Redis shared by every api process in AWS, where an unreachable Redis falls
 * back to each process's own memory count rather than refusing or waving everything through).
 */
export class FlexibleRateLimiter implements RateLimiter {
  constructor(private readonly limiter: RateLimiterAbstract) {}

  async consume(key: string): Promise<RateLimitDecision> {
    try {
      await this.limiter.consume(key);
      return { allowed: true };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
      };
    }
  }
}

/** The in-memory store's limiter (embedded mode, and the Redis limiter's insurance). */
export function memoryRateLimiter(settings: RateLimitSettings): RateLimiterMemory {
  return new RateLimiterMemory({
    keyPrefix: settings.keyPrefix,
    points: settings.points,
    duration: settings.windowSeconds,
  });
}
