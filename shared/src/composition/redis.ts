import { RedisAnswerCache } from '../adapters/redis/answer-cache.js';
import { RedisEventChannel } from '../adapters/redis/redis-event-channel.js';
import { requireRedisConfig, type Config } from '../config.js';
import { MAX_EVENTS_PER_JOB } from '../domain/events.js';
import type { Logger } from '../domain/ports.js';

/**
 * The event channel both services share: Redis (REDIS_URL), so that what the worker publishes
 * reaches followers in every API process. Throws ConfigError when REDIS_URL is missing.
 */
export function buildRedisEventChannel(
  config: Config,
  logger: Logger,
  mode: 'api' | 'worker',
): RedisEventChannel {
  const redis = requireRedisConfig(config);
  return new RedisEventChannel({
    ...redis,
    ttlSeconds: config.JOB_EVENTS_TTL_SECONDS,
    maxEventsPerJob: MAX_EVENTS_PER_JOB,
    logger,
    connectionName: `iscoolgpt-${mode}`,
  });
}

/** The answer cache in the event channel's Redis, over the channel's own connection. */
export function redisAnswerCache(config: Config, channel: RedisEventChannel): RedisAnswerCache {
  return new RedisAnswerCache({
    client: channel.connection,
    ttlSeconds: config.ANSWER_CACHE_TTL_SECONDS,
  });
}
