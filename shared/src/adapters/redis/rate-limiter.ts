import type { Cluster, Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { FlexibleRateLimiter, memoryRateLimiter, type RateLimitSettings } from '../rate-limiter.js';

/**
 * A limiter whose counts every api process shares (one Lua INCR + EXPIRE per event). While Redis
 * cannot be reached each process counts on its own (the insurance limiter): the limit loosens by
 * the number of processes for the outage, nothing is refused for want of Redis.
 */
export function redisRateLimiter(
  client: Redis | Cluster,
  settings: RateLimitSettings,
): FlexibleRateLimiter {
  return new FlexibleRateLimiter(
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: settings.keyPrefix,
      points: settings.points,
      duration: settings.windowSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memoryRateLimiter(settings),
    }),
  );
}
