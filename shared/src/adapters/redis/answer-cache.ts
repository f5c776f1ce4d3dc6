import type { Cluster, Redis, Result } from 'ioredis';
import type { AnswerCache, CachedAnswer } from '../../domain/ports.js';

/**
 * Replaces the entry whole (DEL first: no field of an older entry survives) and gives it its TTL,
 * in one script: an entry never exists without its expiry.
 */
const PUT_SCRIPT = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'answer', ARGV[1], 'provider', ARGV[2], 'model', ARGV[3], 'usage', ARGV[4], 'storedAt', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[6])
return 1
`;

/** Deletes the entry only if it still holds the answer being evicted (a newer one stays). */
const EVICT_SCRIPT = `
if redis.call('HGET', KEYS[1], 'answer') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/**
 * Sets the in-flight mark unless another job holds it, and answers who holds it. A job that
 * already holds the mark (a redelivery) renews it; the mark of ARGV[3] (a job that ended without
 * an answer) is taken over. Redis 6.2 has no SET … NX GET, hence a script.
 */
const LEAD_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and holder ~= ARGV[3] then
  return holder
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`;

/** Removes the mark only if the job still holds it (a lapsed mark may be another job's now). */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    putCachedAnswer(
      key: string,
      answer: string,
      provider: string,
      model: string,
      usage: string,
      storedAt: string,
      ttlSeconds: number,
    ): Result<number, Context>;
    evictCachedAnswer(key: string, answer: string): Result<number, Context>;
    leadAnswer(
      key: string,
      jobId: string,
      ttlMs: number,
      replacing: string,
    ): Result<string, Context>;
    releaseAnswer(key: string, jobId: string): Result<number, Context>;
  }
}

/**
 * An entry: `answer:{<hash>}`; its in-flight mark: `answer:{<hash>}:flight`. The hash is the
 * hash tag, so an entry and its mark live on one slot of a cluster.
 */
export const entryKey = (hash: string) => `answer:{${hash}}`;
export const flightKey = (hash: string) => `answer:{${hash}}:flight`;

export interface RedisAnswerCacheOptions {
  /** The event channel's command connection (RedisEventChannel.connection): no new one. */
  client: Redis | Cluster;
  /** Every entry expires this long after it was written (ANSWER_CACHE_TTL_SECONDS). */
  ttlSeconds: number;
}

/**
 * The answer cache in the event channel's Redis (ElastiCache Serverless for Valkey in AWS), shared
 * by every api and worker process: entries are hashes with an explicit TTL, marks are plain
 * strings with one. Calls fail fast while Redis is away (the connection queues nothing), and the
 * domain takes every failure as a miss.
 */
export class RedisAnswerCache implements AnswerCache {
  private readonly client: Redis | Cluster;

  constructor(private readonly options: RedisAnswerCacheOptions) {
    this.client = options.client;
    this.client.defineCommand('putCachedAnswer', { numberOfKeys: 1, lua: PUT_SCRIPT });
    this.client.defineCommand('evictCachedAnswer', { numberOfKeys: 1, lua: EVICT_SCRIPT });
    this.client.defineCommand('leadAnswer', { numberOfKeys: 1, lua: LEAD_SCRIPT });
    this.client.defineCommand('releaseAnswer', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const fields = await this.client.hgetall(entryKey(key));
    const { answer, provider, model, usage, storedAt } = fields;
    if (answer === undefined || !provider || !model || !usage || !storedAt) return undefined;
    return {
      key,
      answer,
      provider: provider as CachedAnswer['provider'],
      model,
      usage: JSON.parse(usage) as CachedAnswer['usage'],
      storedAt,
    };
  }

  async put(entry: CachedAnswer): Promise<void> {
    await this.client.putCachedAnswer(
      entryKey(entry.key),
      entry.answer,
      entry.provider,
      entry.model,
      JSON.stringify(entry.usage),
      entry.storedAt,
      this.options.ttlSeconds,
    );
  }

  async evict(key: string, answer: string): Promise<boolean> {
    return (await this.client.evictCachedAnswer(entryKey(key), answer)) > 0;
  }

  async lead(key: string, jobId: string, ttlMs: number, replacing = ''): Promise<string> {
    return this.client.leadAnswer(flightKey(key), jobId, Math.max(1, Math.ceil(ttlMs)), replacing);
  }

  async release(key: string, jobId: string): Promise<void> {
    await this.client.releaseAnswer(flightKey(key), jobId);
  }
}
