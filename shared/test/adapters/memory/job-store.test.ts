import { describe, expect, it } from 'vitest';
import { MemoryJobStore } from '../../../src/adapters/memory/job-store.js';
import type { JobRecord } from '../../../src/domain/job.js';
import { nextConversation } from '../../../src/domain/new-turn.js';
import { newJob } from '../../support/jobs.js';

const DAY_SECONDS = 24 * 60 * 60;

/** A queued job created at `createdAtMs`, kept for 7 days from then. */
function job(createdAtMs: number): JobRecord {
  return newJob({ expiresAt: Math.floor(createdAtMs / 1000) + 7 * DAY_SECONDS });
}

const done = {
  status: 'completed',
  answer: 'a',
  provider: 'offline',
  model: 'm',
  usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 },
  attempts: 1,
} as const;

describe('MemoryJobStore bounds (embedded mode must not grow without limit)', () => {
  it('forgets jobs once their TTL has passed', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const store = new MemoryJobStore({ maxJobs: 100, now: () => new Date(now) });
    const old = await store.create(job(now));

    now += 8 * DAY_SECONDS * 1000;
    await store.create(job(now));

    expect(await store.get(old.job.id)).toBeUndefined();
    expect(store.size).toBe(1);
  });

  it('at the size cap, makes room by dropping the oldest settled job, never a pending one', async () => {
    const now = Date.now();
    const store = new MemoryJobStore({ maxJobs: 3 });
    const pending = await store.create(job(now));
    const settledOld = await store.create(job(now + 1));
    const settledNew = await store.create(job(now + 2));
    for (const { job: j } of [settledOld, settledNew]) {
      await store.settle(j.id, done, new Date(), { from: ['queued'], beforeDeadline: true });
    }

    const fresh = await store.create(job(now + 3));

    expect(store.size).toBe(3);
    expect(await store.get(pending.job.id)).toBeDefined();
    expect(await store.get(settledOld.job.id)).toBeUndefined();
    expect(await store.get(settledNew.job.id)).toBeDefined();
    expect(await store.get(fresh.job.id)).toBeDefined();
  });

  it('at the size cap, drops the least recently continued conversations, never one with a pending turn', async () => {
    const store = new MemoryJobStore({ maxJobs: 3 });
    const start = async (settled: boolean) => {
      const first = job(Date.now());
      const conversation = nextConversation(undefined, first, new Date());
      await store.startTurn(first, { conversation, expectedLastTurn: 0 });
      if (settled) {
        await store.settle(first.id, done, new Date(), { from: ['queued'], beforeDeadline: true });
      }
      return conversation.id;
    };
    const pending = await start(false);
    const oldest = await start(true);
    const newer = await start(true);

    const fresh = await start(false);

    expect(await store.getConversation(pending)).toBeDefined();
    expect(await store.getConversation(oldest)).toBeUndefined();
    expect(await store.getConversation(newer)).toBeDefined();
    expect(await store.getConversation(fresh)).toBeDefined();
  });

  it('refuses a new job rather than drop pending ones when every kept job is pending', async () => {
    const store = new MemoryJobStore({ maxJobs: 2 });
    await store.create(job(Date.now()));
    await store.create(job(Date.now()));

    await expect(store.create(job(Date.now()))).rejects.toThrow(/full/);
    expect(store.size).toBe(2);
  });

  it('forgets an idempotency key together with its job', async () => {
    let now = Date.now();
    const store = new MemoryJobStore({ maxJobs: 10, now: () => new Date(now) });
    await store.create(job(now), { scope: 's', key: 'k', fingerprint: 'a' });

    now += 8 * DAY_SECONDS * 1000;
    const reused = await store.create(job(now), { scope: 's', key: 'k', fingerprint: 'b' });

    expect(reused.created).toBe(true);
  });
});
