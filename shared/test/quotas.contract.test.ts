/**
 * Quotas over every QuotaCounter: the embedded MemoryQuotaCounter and the production
 * RedisQuotaCounter on a real Redis server. The domain service's clock is injected, so a day's
 * end is a test's step, not a wait. What one counter guarantees, all must.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { localRedisUrl } from '../../test/support/redis-suite.js';
import { MemoryQuotaCounter } from '../src/adapters/memory/quota-counter.js';
import { PrometheusMetrics } from '../src/adapters/metrics/prometheus.js';
import { RedisQuotaCounter } from '../src/adapters/redis/quota-counter.js';
import { LimitReachedError } from '../src/domain/errors.js';
import type { JobRecord } from '../src/domain/job.js';
import type { Principal } from '../src/domain/principal.js';
import type { QuotaCounter } from '../src/domain/quota.js';
import { Quotas, type QuotaSettings } from '../src/domain/quotas.js';
import { captureLogs } from './support/logs.js';

const clients: Redis[] = [];
afterAll(() => clients.forEach((client) => client.disconnect()));

const counters: [string, () => QuotaCounter][] = [
  ['memory', () => new MemoryQuotaCounter()],
  [
    'Redis',
    () => {
      const client = new Redis(localRedisUrl());
      clients.push(client);
      return new RedisQuotaCounter(client);
    },
  ],
];

const SETTINGS: QuotaSettings = {
  questionsPerDay: 3,
  guestQuestionsPerDay: 2,
  tokensPerDay: 1000,
  pendingJobs: 2,
  openStreams: 5,
};
const LATE_EVENING = Date.parse('2026-03-09T23:59:58.000Z');

describe.each(counters)('Quotas over the %s counter', (_name, counter) => {
  function quotas(settings: Partial<QuotaSettings> = {}) {
    const clock = { now: LATE_EVENING };
    const logs = captureLogs('info');
    const service = new Quotas({
      counter: counter(),
      settings: { ...SETTINGS, ...settings },
      logger: logs.logger,
      now: () => clock.now,
    });
    return { service, clock, logs };
  }
  const student = (): Principal => ({ id: `student-${randomUUID()}`, kind: 'student' });
  const deadline = (from: number) => new Date(from + 300_000).toISOString();
  const admit = async (service: Quotas, who: Principal, at = LATE_EVENING) => {
    const jobId = randomUUID();
    return { jobId, left: await service.admit(who, jobId, deadline(at)) };
  };
  const settledJob = (owner: Principal, id: string, tokens: number, costUsd: number) =>
    ({
      id,
      ownerId: owner.id,
      usage: { inputTokens: tokens - 10, outputTokens: 10, costUsd },
    }) as JobRecord;
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LimitReachedError);
    return error as LimitReachedError;
  };

  it('counts questions up to the day’s limit, says what is left, and refuses past it until midnight', async () => {
    const { service } = quotas({ pendingJobs: 0 });
    const who = student();

    const lefts = [];
    for (let i = 0; i < 3; i++) lefts.push((await admit(service, who)).left);
    const refused = await refusal(admit(service, who));

    expect(lefts.map((left) => left?.remaining)).toEqual([2, 1, 0]);
    expect(lefts[0]).toMatchObject({ limit: 3, resetSeconds: 2 });
    expect(refused).toMatchObject({
      code: 'quota_exceeded',
      limit: 'questions',
      allowed: 3,
      retryAfterSeconds: 2,
      resetsAt: '2026-03-10T00:00:00.000Z',
    });
  });

  it('starts a new day at UTC midnight (an injected clock)', async () => {
    const { service, clock } = quotas({ pendingJobs: 0 });
    const who = student();
    for (let i = 0; i < 3; i++) await admit(service, who);
    await refusal(admit(service, who));

    clock.now = Date.parse('2026-03-10T00:00:00.500Z');

    expect((await admit(service, who, clock.now)).left).toMatchObject({
      limit: 3,
      remaining: 2,
      resetSeconds: 86_400,
    });
    expect(await service.usage(who)).toMatchObject({
      day: '2026-03-10',
      questions: { used: 1, limit: 3 },
      resetsAt: '2026-03-11T00:00:00.000Z',
    });
  });

  it('gives guests their limit and apps none', async () => {
    const { service } = quotas({ pendingJobs: 0 });
    const guest: Principal = { id: `guest:${randomUUID()}`, kind: 'guest' };
    const app: Principal = { id: `app:${randomUUID()}`, kind: 'app' };
    await admit(service, guest);
    await admit(service, guest);

    expect(await refusal(admit(service, guest))).toMatchObject({ allowed: 2 });
    for (let i = 0; i < 5; i++) expect((await admit(service, app)).left).toBeUndefined();
    expect((await service.usage(app)).questions.limit).toBeNull();
  });

  it('adds a settled job’s tokens and cost, and refuses asks once the day’s tokens are reached', async () => {
    const { service } = quotas({ questionsPerDay: 0, pendingJobs: 0 });
    const who = student();
    const { jobId } = await admit(service, who);
    await service.settled(settledJob(who, jobId, 600, 0.000123));
    const second = await admit(service, who);
    await service.settled(settledJob(who, second.jobId, 400, 0.000077));

    expect(await refusal(admit(service, who))).toMatchObject({
      code: 'quota_exceeded',
      limit: 'tokens',
      allowed: 1000,
    });
    expect(await service.usage(who)).toMatchObject({
      questions: { used: 2, limit: null },
      tokens: { used: 1000, limit: 1000 },
      costUsd: 0.0002,
    });
  });

  it('holds a pending slot per job until it settles, or its deadline passes', async () => {
    const { service, clock } = quotas({ questionsPerDay: 0 });
    const who = student();
    const first = await admit(service, who);
    await admit(service, who);

    expect(await refusal(admit(service, who))).toMatchObject({
      code: 'too_many_pending',
      limit: 'pending',
      allowed: 2,
    });
    await service.settled(settledJob(who, first.jobId, 0, 0));
    await admit(service, who);
    await refusal(admit(service, who));
    // Slots of jobs nobody settled free themselves at the jobs' deadline.
    clock.now += 300_001;
    await admit(service, who, clock.now);
  });

  it('undoes an admission whose ask made no job', async () => {
    const { service } = quotas();
    const who = student();
    const { jobId } = await admit(service, who);

    await service.release(who, jobId);

    expect((await service.usage(who)).questions.used).toBe(0);
    await admit(service, who);
    await admit(service, who);
  });

  it('forgets everything of an erased principal', async () => {
    const { service } = quotas();
    const who = student();
    const { jobId } = await admit(service, who);
    await service.settled(settledJob(who, jobId, 500, 0.0001));

    await service.erase(who.id);

    expect(await service.usage(who)).toMatchObject({
      questions: { used: 0 },
      tokens: { used: 0 },
      costUsd: 0,
    });
  });

  it('lets exactly the limit through when asks race', async () => {
    const { service } = quotas({ questionsPerDay: 10, pendingJobs: 0 });
    const who = student();

    const results = await Promise.allSettled(Array.from({ length: 25 }, () => admit(service, who)));

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
  });
});

describe('Quotas with the counter store unreachable', () => {
  it('lets asks through, warns once per outage and counts each unchecked ask', async () => {
    const client = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false });
    client.on('error', () => {});
    clients.push(client);
    const logs = captureLogs('info');
    const metrics = new PrometheusMetrics();
    const service = new Quotas({
      counter: new RedisQuotaCounter(client),
      settings: SETTINGS,
      logger: logs.logger,
      metrics,
    });
    const who: Principal = { id: `student-${randomUUID()}`, kind: 'student' };

    for (let i = 0; i < 5; i++) {
      expect(await service.admit(who, randomUUID(), new Date().toISOString())).toBeUndefined();
    }

    expect(await metrics.text()).toMatch(/^iscoolgpt_quota_unchecked_total 5$/m);
    const warnings = logs.entries().filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ msg: 'quota counters unavailable: asks are let through' });
  });
});
