/**
 * The AnswerCache contract, run against every answer cache: the embedded MemoryAnswerCache and the
 * production RedisAnswerCache on a real Redis server (over the event channel's own connection),
 * standalone and in cluster mode. What one guarantees, all must.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRedisUrl } from '../../test/support/redis-suite.js';
import { startRedisCluster, type RedisServer } from '../../test/support/local-redis.js';
import { MemoryAnswerCache } from '../src/adapters/memory/answer-cache.js';
import { RedisAnswerCache } from '../src/adapters/redis/answer-cache.js';
import { RedisEventChannel } from '../src/adapters/redis/redis-event-channel.js';
import type { AnswerCache, CachedAnswer } from '../src/domain/ports.js';
import { captureLogs } from './support/logs.js';

interface CachesUnderTest {
  open(ttlSeconds: number): Promise<AnswerCache>;
  /** Every key the store holds (Redis: KEYS), to show what an entry is stored as. */
  keys(): Promise<string[]>;
  close(): Promise<void>;
}

const TTL_SECONDS = 60;
const logs = captureLogs('warn');

function redisCaches(url: () => string, cluster: boolean): CachesUnderTest {
  const channels: RedisEventChannel[] = [];
  return {
    async open(ttlSeconds) {
      const channel = new RedisEventChannel({
        url: url(),
        cluster,
        ttlSeconds: 60,
        maxEventsPerJob: 100,
        logger: logs.logger,
        connectionName: `answer-cache-contract-${randomUUID().slice(0, 8)}`,
      });
      channels.push(channel);
      await channel.connected();
      return new RedisAnswerCache({ client: channel.connection, ttlSeconds });
    },
    async keys() {
      const admin = new Redis(url());
      try {
        return await admin.keys('answer:*');
      } finally {
        admin.disconnect();
      }
    },
    close: async () => {
      await Promise.all(channels.map((channel) => channel.close()));
    },
  };
}

let cluster: RedisServer | undefined;

const subjects: [string, () => Promise<CachesUnderTest>][] = [
  [
    'MemoryAnswerCache',
    async () => ({
      open: async (ttlSeconds) => new MemoryAnswerCache({ maxEntries: 1000, ttlSeconds }),
      keys: async () => [],
      close: async () => {},
    }),
  ],
  ['RedisAnswerCache', async () => redisCaches(localRedisUrl, false)],
  [
    'RedisAnswerCache in cluster mode',
    async () => {
      cluster = await startRedisCluster();
      const caches = redisCaches(() => cluster!.url, true);
      return {
        ...caches,
        close: async () => {
          await caches.close();
          await cluster?.stop();
        },
      };
    },
  ],
];

function entry(overrides: Partial<CachedAnswer> = {}): CachedAnswer {
  return {
    key: randomUUID().replaceAll('-', ''),
    answer: 'Rayleigh scattering — ∂x, 光, "quoted"\n\n1. Sunlight…',
    provider: 'openai',
    model: 'gpt-4o-mini',
    usage: { inputTokens: 812, outputTokens: 240, costUsd: 0.000266 },
    storedAt: '2026-12-04T10:00:00.000Z',
    ...overrides,
  };
}

describe.each(subjects)('AnswerCache contract: %s', (name, start) => {
  let subject: CachesUnderTest;
  let cache: AnswerCache;

  beforeAll(async () => {
    subject = await start();
    cache = await subject.open(TTL_SECONDS);
  });
  afterAll(() => subject?.close());

  describe('entries', () => {
    it('gives back what was put, field for field; nothing under a key never put', async () => {
      const kept = entry();
      await cache.put(kept);

      expect(await cache.get(kept.key)).toEqual(kept);
      expect(await cache.get(entry().key)).toBeUndefined();
    });

    it('replaces an entry whole', async () => {
      const first = entry();
      const second = entry({
        key: first.key,
        answer: 'A better answer',
        provider: 'huggingface',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        usage: { inputTokens: 1, outputTokens: 2, costUsd: null },
      });
      await cache.put(first);
      await cache.put(second);

      expect(await cache.get(first.key)).toEqual(second);
    });

    it('evicts an entry only while it holds the answer being evicted', async () => {
      const kept = entry();
      await cache.put(kept);

      expect(await cache.evict(kept.key, 'another answer')).toBe(false);
      expect(await cache.get(kept.key)).toEqual(kept);
      expect(await cache.evict(kept.key, kept.answer)).toBe(true);
      expect(await cache.get(kept.key)).toBeUndefined();
      expect(await cache.evict(kept.key, kept.answer)).toBe(false);
    });

    it('forgets an entry once its TTL has passed', async () => {
      const shortLived = await subject.open(1);
      const kept = entry();
      await shortLived.put(kept);
      expect(await shortLived.get(kept.key)).toEqual(kept);

      await sleep(1200);

      expect(await shortLived.get(kept.key)).toBeUndefined();
    });

    it.skipIf(name === 'MemoryAnswerCache')(
      'stores an entry and its mark under one hash tag, each with an expiry',
      async () => {
        const kept = entry();
        await cache.put(kept);
        await cache.lead(kept.key, randomUUID(), 30_000);

        const keys = (await subject.keys()).filter((key) => key.includes(kept.key));
        expect(keys.sort()).toEqual([`answer:{${kept.key}}`, `answer:{${kept.key}}:flight`]);
        const admin = new Redis(
          cluster && name.includes('cluster') ? cluster.url : localRedisUrl(),
        );
        try {
          for (const key of keys) expect(await admin.pttl(key)).toBeGreaterThan(0);
          // Nothing in it names a student: the fields are the answer and what it cost.
          expect(Object.keys(await admin.hgetall(keys[0]!)).sort()).toEqual([
            'answer',
            'model',
            'provider',
            'storedAt',
            'usage',
          ]);
        } finally {
          admin.disconnect();
        }
      },
    );
  });

  describe('in-flight marks', () => {
    it('lets the first job lead and tells every other job who leads', async () => {
      const key = entry().key;
      const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];

      expect(await cache.lead(key, first, 30_000)).toBe(first);
      expect(await cache.lead(key, second, 30_000)).toBe(first);
      expect(await cache.lead(key, third, 30_000)).toBe(first);
      // A redelivered leader is still the leader.
      expect(await cache.lead(key, first, 30_000)).toBe(first);
    });

    it('decides one leader among racing jobs', async () => {
      const key = entry().key;
      const jobs = Array.from({ length: 10 }, () => randomUUID());

      const holders = await Promise.all(jobs.map((job) => cache.lead(key, job, 30_000)));

      expect(new Set(holders).size).toBe(1);
      expect(jobs).toContain(holders[0]);
    });

    it('is taken over from a job that ended without an answer, and from no other', async () => {
      const key = entry().key;
      const [ended, first, second] = [randomUUID(), randomUUID(), randomUUID()];
      await cache.lead(key, ended, 30_000);

      expect(await cache.lead(key, first, 30_000, randomUUID())).toBe(ended);
      const takers = await Promise.all([
        cache.lead(key, first, 30_000, ended),
        cache.lead(key, second, 30_000, ended),
      ]);

      // One takes it over; the other is told who did.
      expect(takers[0]).toBe(takers[1]);
      expect([first, second]).toContain(takers[0]);
      await cache.release(key, ended);
      expect(await cache.lead(key, randomUUID(), 30_000)).toBe(takers[0]);
    });

    it('is released only by the job holding it', async () => {
      const key = entry().key;
      const [leader, other] = [randomUUID(), randomUUID()];
      await cache.lead(key, leader, 30_000);

      await cache.release(key, other);
      expect(await cache.lead(key, other, 30_000)).toBe(leader);

      await cache.release(key, leader);
      expect(await cache.lead(key, other, 30_000)).toBe(other);
    });

    it('lapses after its TTL, so a dead leader holds up nobody for long', async () => {
      const key = entry().key;
      const [leader, next] = [randomUUID(), randomUUID()];
      await cache.lead(key, leader, 200);

      await sleep(400);

      expect(await cache.lead(key, next, 30_000)).toBe(next);
    });

    it('is apart from the entry: an entry does not make a mark, nor a mark an entry', async () => {
      const kept = entry();
      await cache.put(kept);
      const leader = randomUUID();

      expect(await cache.lead(kept.key, leader, 30_000)).toBe(leader);
      await cache.release(kept.key, leader);
      expect(await cache.get(kept.key)).toEqual(kept);
    });
  });
});

describe('MemoryAnswerCache bounds', () => {
  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = new MemoryAnswerCache({ maxEntries: 3, ttlSeconds: TTL_SECONDS });
    const [a, b, c, d] = [entry(), entry(), entry(), entry()];
    for (const kept of [a, b, c]) await cache.put(kept);
    await cache.get(a.key);

    await cache.put(d);

    expect(await cache.get(b.key)).toBeUndefined();
    for (const kept of [a, c, d]) expect(await cache.get(kept.key)).toEqual(kept);
  });

  it('ages entries by its clock', async () => {
    // lru-cache reads a start of 0 as "no start": the clock starts later.
    let now = 1000;
    const cache = new MemoryAnswerCache({ maxEntries: 10, ttlSeconds: 60, now: () => now });
    const kept = entry();
    await cache.put(kept);

    now = 60_000;
    expect(await cache.get(kept.key)).toEqual(kept);
    now = 61_001;
    expect(await cache.get(kept.key)).toBeUndefined();
  });
});
