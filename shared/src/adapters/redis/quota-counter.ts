import type { Cluster, Redis } from 'ioredis';
import {
  NO_USAGE,
  type Admission,
  type DayUsage,
  type PendingJob,
  type QuotaCounter,
  type QuotaLimitName,
  type QuotaLimits,
  type Used,
} from '../../domain/quota.js';

/**
 * Quota counters every api process and worker shares, in Redis: per principal a hash of the day's
 * counts (`day`, `q` questions, `t` tokens, `c` cost in micro-USD) and a sorted set of their
 * pending jobs scored by deadline, both under one hash tag (one cluster slot).
 *
 * Hand-written Lua rather than rate-limiter-flexible (which the guest-session limit uses): an ask
 * checks three limits at once (questions, tokens added later from real usage, pending jobs whose
 * slots free themselves at their deadline) and counts only if all pass, in one round trip; the
 * library's limiters count one thing each in a rolling window from the first hit, so this would
 * be three calls, non-atomic between them, and no UTC-day window.
 */
const ADMIT = `
local day = ARGV[1]
local stored = redis.call('HMGET', KEYS[1], 'day', 'q', 't', 'c')
local q, t, c = 0, 0, 0
if stored[1] == day then
  q = tonumber(stored[2]) or 0; t = tonumber(stored[3]) or 0; c = tonumber(stored[4]) or 0
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[7])
local pending = redis.call('ZCARD', KEYS[2])
local refused = ''
local qLimit, tLimit, pLimit = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if qLimit > 0 and q >= qLimit then refused = 'questions'
elseif tLimit > 0 and t >= tLimit then refused = 'tokens'
elseif pLimit > 0 and pending >= pLimit then refused = 'pending' end
if refused == '' then
  q = q + 1
  if stored[1] == day then redis.call('HINCRBY', KEYS[1], 'q', 1)
  else redis.call('HSET', KEYS[1], 'day', day, 'q', 1, 't', 0, 'c', 0) end
  redis.call('EXPIRE', KEYS[1], ARGV[8])
  redis.call('ZADD', KEYS[2], ARGV[6], ARGV[5])
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  -- Relative to the caller's clock (the one the scores are on): gone a second after the last.
  redis.call('PEXPIRE', KEYS[2], math.max(tonumber(last[2]), tonumber(ARGV[6])) - tonumber(ARGV[7]) + 1000)
end
return {refused, q, t, c}
`;

const RELEASE = `
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('HGET', KEYS[1], 'day') == ARGV[1] and tonumber(redis.call('HGET', KEYS[1], 'q')) > 0 then
  redis.call('HINCRBY', KEYS[1], 'q', -1)
end
return 0
`;

const SETTLED = `
redis.call('ZREM', KEYS[2], ARGV[2])
if ARGV[3] == '0' and ARGV[4] == '0' then return 0 end
if redis.call('HGET', KEYS[1], 'day') ~= ARGV[1] then
  redis.call('HSET', KEYS[1], 'day', ARGV[1], 'q', 0, 't', 0, 'c', 0)
end
redis.call('HINCRBY', KEYS[1], 't', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'c', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 0
`;

/** A day's counts are kept this long (the day, plus slack for clocks and late settlements). */
const DAY_TTL_SECONDS = 2 * 24 * 3600;

type Client = Redis | Cluster;
interface QuotaCommands {
  quotaAdmit(...args: (string | number)[]): Promise<[string, number, number, number]>;
  quotaRelease(...args: (string | number)[]): Promise<number>;
  quotaSettled(...args: (string | number)[]): Promise<number>;
}

export class RedisQuotaCounter implements QuotaCounter {
  private readonly client: Client & QuotaCommands;

  constructor(client: Client) {
    client.defineCommand('quotaAdmit', { numberOfKeys: 2, lua: ADMIT });
    client.defineCommand('quotaRelease', { numberOfKeys: 2, lua: RELEASE });
    client.defineCommand('quotaSettled', { numberOfKeys: 2, lua: SETTLED });
    this.client = client as Client & QuotaCommands;
  }

  async admit(
    principalId: string,
    day: string,
    limits: QuotaLimits,
    job: PendingJob,
    nowMs: number,
  ): Promise<Admission> {
    const [refused, questions, tokens, costMicroUsd] = await this.client.quotaAdmit(
      ...keys(principalId),
      day,
      limits.questionsPerDay,
      limits.tokensPerDay,
      limits.pendingJobs,
      job.id,
      job.pendingUntilMs,
      nowMs,
      DAY_TTL_SECONDS,
    );
    const usage = { questions, tokens, costMicroUsd };
    return refused
      ? { admitted: false, refused: refused as QuotaLimitName, usage }
      : { admitted: true, usage };
  }

  async release(principalId: string, day: string, jobId: string): Promise<void> {
    await this.client.quotaRelease(...keys(principalId), day, jobId);
  }

  async settled(principalId: string, day: string, jobId: string, used: Used): Promise<void> {
    await this.client.quotaSettled(
      ...keys(principalId),
      day,
      jobId,
      used.tokens,
      used.costMicroUsd,
      DAY_TTL_SECONDS,
    );
  }

  async usage(principalId: string, day: string): Promise<DayUsage> {
    const [stored, q, t, c] = await this.client.hmget(keys(principalId)[0], 'day', 'q', 't', 'c');
    if (stored !== day) return NO_USAGE;
    return { questions: Number(q ?? 0), tokens: Number(t ?? 0), costMicroUsd: Number(c ?? 0) };
  }

  async erase(principalId: string): Promise<void> {
    await this.client.del(...keys(principalId));
  }
}

/** The principal's two keys, in one slot (the id is the hash tag). */
function keys(principalId: string): [string, string] {
  const tag = `{${principalId}}`;
  return [`quota:${tag}`, `quota:${tag}:pending`];
}
