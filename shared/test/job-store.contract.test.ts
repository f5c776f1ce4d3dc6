/**
 * The JobStore contract, run against both stores: the embedded MemoryJobStore and the production
 * DynamoJobStore on local AWS (moto or LocalStack). What one store guarantees, the other must too.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsSuite, type AwsSuite } from '../../test/support/aws-suite.js';
import { DynamoJobStore } from '../src/adapters/aws/dynamo-job-store.js';
import { MemoryJobStore } from '../src/adapters/memory/job-store.js';
import { IdempotencyConflictError } from '../src/domain/errors.js';
import type { JobRecord, Settlement } from '../src/domain/job.js';
import type { JobStore } from '../src/domain/ports.js';
import { newJob } from './support/jobs.js';

const SECOND = 1000;

const answered: Settlement = {
  status: 'completed',
  answer: 'Rayleigh scattering.',
  provider: 'openai',
  model: 'gpt-4o-mini',
  usage: { inputTokens: 12, outputTokens: 3 },
  attempts: 1,
};

const inFuture = (ms: number) => new Date(Date.now() + ms);

interface StoreUnderTest {
  store: JobStore;
  /** Another store on the same data, reading time from `now`. */
  withClock(now: () => Date): JobStore;
  /** Another writer on the same data (another API or worker process, where there can be one). */
  otherWriter(): JobStore;
  close(): Promise<void>;
}

const stores: [string, () => Promise<StoreUnderTest>][] = [
  [
    'MemoryJobStore',
    async () => {
      const store = new MemoryJobStore({ maxJobs: 1000 });
      return {
        store,
        // The memory store's data lives in the instance: a clocked store starts empty.
        withClock: (now) => new MemoryJobStore({ maxJobs: 1000, now }),
        otherWriter: () => store,
        close: async () => {},
      };
    },
  ],
  [
    'DynamoJobStore',
    async () => {
      const suite: AwsSuite = await createAwsSuite();
      const open = (now?: () => Date) =>
        new DynamoJobStore({
          client: suite.clients.documents,
          tableName: suite.resources.tableName,
          ...(now && { now }),
        });
      return {
        store: open(),
        withClock: open,
        otherWriter: () => open(),
        close: () => suite.cleanup(),
      };
    },
  ],
];

describe.each(stores)('JobStore contract: %s', (_name, open) => {
  let store: JobStore;
  let subject: StoreUnderTest;

  beforeAll(async () => {
    subject = await open();
    store = subject.store;
  });
  afterAll(() => subject.close());

  async function created(overrides: Partial<JobRecord> = {}): Promise<JobRecord> {
    return (await store.create(newJob(overrides))).job;
  }

  describe('create and get', () => {
    it('reads a job back exactly as it was written, nulls and nested values included', async () => {
      const job = newJob({ usage: { inputTokens: 1, outputTokens: 2 }, level: 'undergraduate' });
      expect(await store.create(job)).toEqual({ job, created: true });
      expect(await store.get(job.id)).toEqual(job);
    });

    it('answers undefined for a job it does not have', async () => {
      expect(await store.get(randomUUID())).toBeUndefined();
    });
  });

  describe('idempotency keys', () => {
    it('replays the first job for the same key and body instead of storing a second one', async () => {
      const claim = { scope: 'caller-a', key: `key-${randomUUID()}`, fingerprint: 'body-a' };
      const first = newJob();
      const second = newJob();
      await store.create(first, claim);

      const replay = await store.create(second, claim);

      expect(replay).toEqual({ job: first, created: false });
      expect(await store.get(second.id)).toBeUndefined();
    });

    it('refuses the same key with another body, and stores nothing for it', async () => {
      const key = `key-${randomUUID()}`;
      await store.create(newJob(), { scope: 'caller-a', key, fingerprint: 'body-a' });
      const other = newJob();

      await expect(
        store.create(other, { scope: 'caller-a', key, fingerprint: 'body-b' }),
      ).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect(await store.get(other.id)).toBeUndefined();
    });

    it('keeps keys apart per caller: the same key and body from another caller is a new job', async () => {
      const key = `key-${randomUUID()}`;
      const mine = newJob();
      const theirs = newJob();
      await store.create(mine, { scope: 'caller-a', key, fingerprint: 'body-a' });

      expect(await store.create(theirs, { scope: 'caller-b', key, fingerprint: 'body-a' })).toEqual(
        {
          job: theirs,
          created: true,
        },
      );
      // Nor is another caller's different body a conflict with mine.
      const other = newJob();
      const created = await store.create(other, { scope: 'caller-c', key, fingerprint: 'body-b' });
      expect(created.created).toBe(true);
      expect(
        (await store.create(newJob(), { scope: 'caller-a', key, fingerprint: 'body-a' })).job,
      ).toEqual(mine);
    });

    it('does not let a scope run into a key: ("a#b", "c") and ("a", "b#c") are different', async () => {
      const a = randomUUID();
      await store.create(newJob(), { scope: `${a}#b`, key: 'c', fingerprint: 'body-a' });
      expect(
        (await store.create(newJob(), { scope: a, key: 'b#c', fingerprint: 'body-a' })).created,
      ).toBe(true);
    });

    it('makes exactly one job when the same request arrives several times at once', async () => {
      const claim = { scope: 'caller-a', key: `key-${randomUUID()}`, fingerprint: 'body-a' };

      const results = await Promise.all(
        Array.from({ length: 5 }, () => store.create(newJob(), claim)),
      );

      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(new Set(results.map((result) => result.job.id)).size).toBe(1);
    });

    it('starts a new job once the key has expired with its job', async () => {
      let clock = Date.now();
      const clocked = subject.withClock(() => new Date(clock));
      const claim = { scope: 'caller-a', key: `key-${randomUUID()}`, fingerprint: 'body-a' };
      const first = newJob({ expiresAt: Math.floor(clock / SECOND) + 60 });
      await clocked.create(first, claim);
      clock += 61 * SECOND;
      const fresh = newJob({ expiresAt: Math.floor(clock / SECOND) + 60 });

      expect(await clocked.create(fresh, claim)).toEqual({ job: fresh, created: true });
    });
  });

  describe('claim', () => {
    it('takes a queued job: running, leased, and the delivery counted', async () => {
      const job = await created();
      const lease = inFuture(60 * SECOND);

      const claim = await store.claim(job.id, new Date(), lease);

      expect(claim).toMatchObject({
        outcome: 'claimed',
        job: { status: 'running', leaseUntil: lease.toISOString(), deliveries: 1 },
      });
      expect(await store.get(job.id)).toMatchObject({ status: 'running', deliveries: 1 });
    });

    it('is busy while another worker holds the lease, and free again once the lease ran out', async () => {
      const job = await created();
      await store.claim(job.id, new Date(), inFuture(60 * SECOND));

      expect((await store.claim(job.id, new Date(), inFuture(60 * SECOND))).outcome).toBe('busy');

      const afterLease = inFuture(61 * SECOND);
      const takeover = await store.claim(
        job.id,
        afterLease,
        new Date(afterLease.getTime() + 60 * SECOND),
      );
      expect(takeover).toMatchObject({ outcome: 'claimed', job: { deliveries: 2 } });
    });

    it('reports a settled job as settled and leaves it untouched', async () => {
      const job = await created();
      await store.claim(job.id, new Date(), inFuture(60 * SECOND));
      const settled = await store.settle(job.id, answered, new Date(), {
        from: ['running'],
        beforeDeadline: true,
      });

      const claim = await store.claim(job.id, new Date(), inFuture(60 * SECOND));

      expect(claim).toEqual({ outcome: 'settled', job: settled });
      expect(await store.get(job.id)).toEqual(settled);
    });

    it('refuses a job past its deadline as overdue and leaves it pending', async () => {
      const job = await created({ deadlineAt: new Date(Date.now() - SECOND).toISOString() });

      const claim = await store.claim(job.id, new Date(), inFuture(60 * SECOND));

      expect(claim.outcome).toBe('overdue');
      expect(await store.get(job.id)).toMatchObject({ status: 'queued', deliveries: 0 });
    });

    it('reports a job it does not have as missing', async () => {
      expect(await store.claim(randomUUID(), new Date(), inFuture(SECOND))).toEqual({
        outcome: 'missing',
      });
    });
  });

  describe('settle', () => {
    it('writes a completed outcome: answer, who answered, usage, timestamps, lease released', async () => {
      const job = await created();
      await store.claim(job.id, new Date(), inFuture(60 * SECOND));
      const at = new Date();

      const settled = await store.settle(job.id, answered, at, {
        from: ['running'],
        beforeDeadline: true,
      });

      expect(settled).toMatchObject({
        status: 'completed',
        answer: 'Rayleigh scattering.',
        provider: 'openai',
        model: 'gpt-4o-mini',
        usage: { inputTokens: 12, outputTokens: 3 },
        attempts: 1,
        error: null,
        completedAt: at.toISOString(),
        updatedAt: at.toISOString(),
        leaseUntil: null,
      });
      expect(await store.get(job.id)).toEqual(settled);
    });

    it('never overwrites a settled job: a second outcome is refused', async () => {
      const job = await created();
      await store.claim(job.id, new Date(), inFuture(60 * SECOND));
      const first = await store.settle(job.id, answered, new Date(), {
        from: ['running'],
        beforeDeadline: true,
      });

      const second = await store.settle(
        job.id,
        { status: 'failed', error: { code: 'dead_lettered', message: 'x' }, attempts: 0 },
        new Date(),
        { from: ['queued', 'running'], beforeDeadline: false },
      );

      expect(second).toBeUndefined();
      expect(await store.get(job.id)).toEqual(first);
    });

    it('never overwrites an outcome another writer stored after the claim', async () => {
      const job = await created();
      await store.claim(job.id, new Date(), inFuture(60 * SECOND));
      const deadline = await subject
        .otherWriter()
        .settle(
          job.id,
          { status: 'failed', error: { code: 'deadline_exceeded', message: 'late' }, attempts: 0 },
          new Date(),
          { from: ['queued', 'running'], beforeDeadline: false },
        );

      expect(
        await store.settle(job.id, answered, new Date(), {
          from: ['running'],
          beforeDeadline: true,
        }),
      ).toBeUndefined();
      expect(await store.get(job.id)).toEqual(deadline);
    });

    it("adds the settlement's provider calls to the calls the job already counts", async () => {
      const job = await created({ attempts: 2 });
      await store.claim(job.id, new Date(), inFuture(60 * SECOND));

      const settled = await store.settle(job.id, { ...answered, attempts: 3 }, new Date(), {
        from: ['running'],
        beforeDeadline: true,
      });

      expect(settled?.attempts).toBe(5);
    });

    it('keeps the requested provider on a failure that names none', async () => {
      const job = await created({ provider: 'huggingface', requestedProvider: 'huggingface' });

      const settled = await store.settle(
        job.id,
        { status: 'failed', error: { code: 'queue_unavailable', message: 'no' }, attempts: 0 },
        new Date(),
        { from: ['queued'], beforeDeadline: false },
      );

      expect(settled).toMatchObject({
        status: 'failed',
        provider: 'huggingface',
        error: { code: 'queue_unavailable', message: 'no' },
        answer: null,
      });
    });

    it('refuses a late answer once the deadline has passed, but lets the deadline failure in', async () => {
      const job = await created({ deadlineAt: new Date(Date.now() + SECOND).toISOString() });
      await store.claim(job.id, new Date(), inFuture(60 * SECOND));
      const late = inFuture(2 * SECOND);

      expect(
        await store.settle(job.id, answered, late, { from: ['running'], beforeDeadline: true }),
      ).toBeUndefined();
      const timedOut = await store.settle(
        job.id,
        { status: 'failed', error: { code: 'deadline_exceeded', message: 'late' }, attempts: 0 },
        late,
        { from: ['queued', 'running'], beforeDeadline: false },
      );
      expect(timedOut).toMatchObject({ status: 'failed', error: { code: 'deadline_exceeded' } });
    });

    it('only moves a job from the statuses it is told', async () => {
      const job = await created();
      await store.claim(job.id, new Date(), inFuture(60 * SECOND));

      expect(
        await store.settle(job.id, answered, new Date(), {
          from: ['queued'],
          beforeDeadline: false,
        }),
      ).toBeUndefined();
      expect((await store.get(job.id))?.status).toBe('running');
    });

    it('answers undefined for a job it does not have', async () => {
      expect(
        await store.settle(randomUUID(), answered, new Date(), {
          from: ['queued', 'running'],
          beforeDeadline: false,
        }),
      ).toBeUndefined();
    });
  });

  describe('waitUntilSettled', () => {
    it('returns the outcome when another writer settles the job, not at the timeout', async () => {
      const job = await created();
      const waiting = store.waitUntilSettled(job.id, 25 * SECOND);
      await sleep(300);
      await store.settle(job.id, answered, new Date(), { from: ['queued'], beforeDeadline: true });

      // Far below the 25 s timeout: a wait that only ended at its timeout would lose this race.
      const result = await Promise.race([waiting, sleep(10 * SECOND, 'still waiting' as const)]);

      expect(result).toMatchObject({ id: job.id, status: 'completed', answer: answered.answer });
    });

    it('returns the latest pending state when the timeout comes first', async () => {
      const job = await created();
      await store.claim(job.id, new Date(), inFuture(60 * SECOND));

      expect(await store.waitUntilSettled(job.id, 300)).toMatchObject({
        id: job.id,
        status: 'running',
      });
    });

    it('returns at once for a job that is already settled', async () => {
      const job = await created();
      const settled = await store.settle(job.id, answered, new Date(), {
        from: ['queued'],
        beforeDeadline: true,
      });

      const result = await Promise.race([
        store.waitUntilSettled(job.id, 25 * SECOND),
        sleep(10 * SECOND, 'still waiting' as const),
      ]);

      expect(result).toEqual(settled);
    });

    it('answers undefined for a job it does not have', async () => {
      expect(await store.waitUntilSettled(randomUUID(), 300)).toBeUndefined();
    });
  });
});
