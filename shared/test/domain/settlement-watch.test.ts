/**
 * The one watch on a job's end, through the domain: jobs submitted by the job service, waiters
 * on the process's settlement watch, a real event channel (in memory, or a real Redis client that
 * cannot reach its server) and a real store (in memory, or DynamoDB on moto), whose batched reads
 * are counted as they reach it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAwsSuite, type AwsSuite } from '../../../test/support/aws-suite.js';
import { DynamoJobStore } from '../../src/adapters/aws/dynamo-job-store.js';
import { MemoryJobStore } from '../../src/adapters/memory/job-store.js';
import { RedisEventChannel } from '../../src/adapters/redis/redis-event-channel.js';
import { toPublicJob, type Job, type JobRecord } from '../../src/domain/job.js';
import { ANONYMOUS } from '../../src/domain/principal.js';
import type { JobStore } from '../../src/domain/ports.js';
import type { HeardOn, SettlementPace } from '../../src/domain/settlement-watch.js';
import { deadUrl } from '../support/fake-llm.js';
import { captureLogs } from '../support/logs.js';
import { memoryDomain } from '../support/memory-domain.js';

const cancelled = {
  status: 'cancelled',
  error: { code: 'cancelled', message: 'Cancelled by the test' },
  attempts: 0,
} as const;

/** The ids of every batched read that reaches the store, in order, and when each began. */
function countReads(store: JobStore) {
  const reads: string[][] = [];
  const readAt: number[] = [];
  const getMany = store.getMany.bind(store);
  store.getMany = (ids) => {
    reads.push([...ids]);
    readAt.push(performance.now());
    return getMany(ids);
  };
  return { reads, readAt };
}

/** A domain whose store reads are counted, and a few jobs submitted through it. */
async function domainWith(
  count: number,
  pace: SettlementPace,
  options: Parameters<typeof memoryDomain>[0] = {},
) {
  const domain = memoryDomain({ ...options, pace });
  const { reads, readAt } = countReads(domain.store);
  const jobs: JobRecord[] = [];
  for (let i = 0; i < count; i++)
    jobs.push((await domain.jobs.submit({ question: `Q${i}?` }, ANONYMOUS)).job);
  /** The channel speaks about the job: a worker announced it running. */
  const announce = (job: JobRecord) =>
    domain.channel.publish(job.id, {
      type: 'job',
      job: toPublicJob({ ...job, status: 'running' }),
    });
  const settleBehindTheChannel = (job: JobRecord) =>
    domain.store.settle(job.id, cancelled, new Date(), {
      from: ['queued'],
      beforeDeadline: false,
    });
  return { ...domain, reads, readAt, jobs, announce, settleBehindTheChannel };
}

/** A Redis event channel whose server is not there: every listener is lost at once. */
async function downChannel() {
  return new RedisEventChannel({
    url: (await deadUrl()).replace('http:', 'redis:'),
    cluster: false,
    ttlSeconds: 60,
    maxEventsPerJob: 100,
    logger: captureLogs('warn').logger,
  });
}

let suite: AwsSuite | undefined;
afterAll(() => suite?.cleanup());

const stores: [string, () => Promise<JobStore>, number][] = [
  ['the memory store', async () => new MemoryJobStore({ maxJobs: 1000 }), 100],
  [
    'DynamoDB on moto',
    async () => {
      suite ??= await createAwsSuite();
      return new DynamoJobStore({
        client: suite.clients.documents,
        tableName: suite.resources.tableName,
      });
    },
    // moto answers one call at a time: slower rounds, so a round's read fits in it.
    400,
  ],
];

describe.each(stores)('SettlementWatch over %s', (_name, openStore, roundMs) => {
  let store: JobStore;
  beforeAll(async () => {
    store = await openStore();
  });

  it('reads every watched job in one batched read a round, however many wait for them', async () => {
    const started = performance.now();
    const { jobs, reads, settlements, announce, settleBehindTheChannel } = await domainWith(
      30,
      { slowMs: roundMs, fastMs: roundMs / 4, graceMs: 60_000 },
      { store },
    );
    // Three waiters a job: 90 in all.
    const told: string[] = [];
    for (const job of jobs) {
      for (let i = 0; i < 3; i++) settlements.watch(job.id, (settled) => told.push(settled.id));
    }
    for (const job of jobs) await announce(job);

    // Two rounds at least, however slow the machine; never more reads than rounds begun so far
    // (a read per waiter would be 90 a round). Bounds from the clock only loosen under load.
    await vi.waitFor(() => expect(reads.length).toBeGreaterThanOrEqual(2), {
      timeout: roundMs * 25,
    });
    expect(reads.length).toBeLessThanOrEqual(1 + (performance.now() - started) / roundMs);
    for (const ids of reads) expect(ids.toSorted()).toEqual(jobs.map((job) => job.id).toSorted());

    // Their `done` lost: the next round's read tells all 90 waiters.
    for (const job of jobs) await settleBehindTheChannel(job);
    await vi.waitFor(() => expect(told).toHaveLength(90), { timeout: roundMs * 25 });
    const readsWhenTold = reads.length;

    // Nobody waits any longer: nothing more is read.
    await sleep(roundMs * 2.5);
    expect(reads).toHaveLength(readsWhenTold);
  });
});

describe('SettlementWatch pace', () => {
  const FAST_MS = 25;

  it('reads at the fast pace while the channel is down, not at all while it speaks', async () => {
    const pace = { slowMs: 60_000, fastMs: FAST_MS, graceMs: 60_000 };
    const down = await downChannel();
    try {
      const outage = await domainWith(1, pace, { channel: down });
      // The same pace, so a silent channel would be read at the fast pace at once.
      const speaking = await domainWith(1, { ...pace, graceMs: 0 });
      const stops = [outage, speaking].map(({ settlements, jobs }) =>
        settlements.watch(jobs[0]!.id, () => {}),
      );
      await speaking.announce(speaking.jobs[0]!);

      // Both tickers run on this one event loop at one pace: by the outage's fourth read, the
      // speaking watch has had as many chances to read.
      await vi.waitFor(() => expect(outage.reads.length).toBeGreaterThanOrEqual(4), {
        timeout: 10_000,
      });
      expect(outage.reads.every((ids) => ids.join() === outage.jobs[0]!.id)).toBe(true);
      expect(speaking.reads).toEqual([]);
      for (const stop of stops) stop();
    } finally {
      await down.close();
    }
  });

  it('reads a job the channel says nothing about at the fast pace once the grace is over', async () => {
    const graceMs = 200;
    const { jobs, reads, readAt, settlements, announce } = await domainWith(2, {
      slowMs: 60_000,
      fastMs: FAST_MS,
      graceMs,
    });
    const [heard, silent] = jobs as [JobRecord, JobRecord];
    const watchedAt = performance.now();
    const stops = jobs.map((job) => settlements.watch(job.id, () => {}));
    await announce(heard);

    await vi.waitFor(() => expect(reads.length).toBeGreaterThanOrEqual(4), { timeout: 10_000 });
    // Nothing read before the grace was over, however late the timers ran.
    expect(readAt[0]! - watchedAt).toBeGreaterThanOrEqual(graceMs);
    expect(reads.every((ids) => ids.join() === silent.id)).toBe(true);
    for (const stop of stops) stop();
  });

  it('stops reading for a waiter the moment it leaves', async () => {
    // No grace: both jobs are read at the fast pace from the start.
    const { jobs, reads, settlements } = await domainWith(2, {
      slowMs: 60_000,
      fastMs: FAST_MS,
      graceMs: 0,
    });
    const [left, kept] = jobs as [JobRecord, JobRecord];
    const leaving = [settlements.watch(left.id, () => {}), settlements.watch(left.id, () => {})];
    const staying = settlements.watch(kept.id, () => {});
    await vi.waitFor(
      () => expect(reads.at(-1)?.toSorted()).toEqual([left.id, kept.id].toSorted()),
      { timeout: 10_000 },
    );

    // One of its two waiters leaves: the job is still read for the other.
    leaving[0]!();
    const before = reads.length;
    await vi.waitFor(
      () => expect(reads.slice(before).some((ids) => ids.includes(left.id))).toBe(true),
      { timeout: 10_000 },
    );

    // The last one leaves: from the next round on, only the other job is read.
    leaving[1]!();
    const afterLeaving = reads.length;
    await vi.waitFor(() => expect(reads.length).toBeGreaterThanOrEqual(afterLeaving + 3), {
      timeout: 10_000,
    });
    expect(reads.slice(afterLeaving).every((ids) => ids.join() === kept.id)).toBe(true);

    // Nobody waits: no reads at all (the ticker stops; reads begin when a round starts).
    staying();
    const afterAll = reads.length;
    await sleep(FAST_MS * 6);
    expect(reads).toHaveLength(afterAll);
  });

  it('wakes every waiter of a job on its `done`, published before or after they came, without a read', async () => {
    const { jobs, reads, settlements, settler } = await domainWith(2, {
      slowMs: 60_000,
      fastMs: FAST_MS,
      graceMs: 60_000,
    });
    const [early, late] = jobs as [JobRecord, JobRecord];
    // Settled (and its `done` published) before anyone waits.
    await settler.settle(early.id, cancelled, { from: ['queued'], beforeDeadline: false });
    const told: [string, Job['status'], HeardOn][] = [];
    for (const job of [early, late, late, late]) {
      settlements.watch(job.id, (settled, heardOn) =>
        told.push([settled.id, settled.status, heardOn]),
      );
    }

    await settler.settle(late.id, cancelled, { from: ['queued'], beforeDeadline: false });

    await vi.waitFor(() => expect(told).toHaveLength(4), { timeout: 10_000 });
    expect(told).toEqual(
      expect.arrayContaining([
        [early.id, 'cancelled', 'channel'],
        [late.id, 'cancelled', 'channel'],
      ]),
    );
    expect(reads).toEqual([]);
  });
});
