/**
 * The JobStore contract, run against both stores: the embedded MemoryJobStore and the production
 * DynamoJobStore on local AWS (moto or LocalStack). What one store guarantees, the other must too.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsSuite, type AwsSuite } from '../../test/support/aws-suite.js';
import { DynamoJobStore } from '../src/adapters/aws/dynamo-job-store.js';
import { MemoryJobStore } from '../src/adapters/memory/job-store.js';
import type { ConversationRecord } from '../src/domain/conversation.js';
import {
  IdempotencyConflictError,
  InvalidCursorError,
  TurnInProgressError,
} from '../src/domain/errors.js';
import type { JobRecord, Settlement } from '../src/domain/job.js';
import { nextConversation } from '../src/domain/new-turn.js';
import { ANONYMOUS } from '../src/domain/principal.js';
import { cancellation, failure } from '../src/domain/transitions.js';
import type { JobStore } from '../src/domain/ports.js';
import { newJob } from './support/jobs.js';
import { memoryDomain } from './support/memory-domain.js';

const SECOND = 1000;

const answered = {
  status: 'completed',
  answer: 'Rayleigh scattering.',
  provider: 'openai',
  model: 'gpt-4o-mini',
  usage: { inputTokens: 12, outputTokens: 3, costUsd: 0.000004 },
  attempts: 1,
} satisfies Settlement;

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
      const job = newJob({
        usage: { inputTokens: 1, outputTokens: 2, costUsd: 0.000001 },
        level: 'undergraduate',
      });
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

  describe('recordStoppedCall', () => {
    const stopped = {
      attempts: 2,
      usage: { inputTokens: 300, outputTokens: 40, costUsd: 0.000069 },
      provider: 'openai',
      model: 'gpt-4o-mini',
    } as const;

    async function cancelled(): Promise<JobRecord> {
      const job = await created();
      await store.claim(job.id, new Date(), inFuture(60 * SECOND));
      const settled = await store.settle(job.id, cancellation(), new Date(), {
        from: ['queued', 'running'],
        beforeDeadline: false,
      });
      return settled!;
    }

    it('writes what a stopped call used onto a cancelled job, which stays cancelled', async () => {
      const job = await cancelled();

      const recorded = await store.recordStoppedCall(job.id, stopped, new Date());

      const expected = {
        status: 'cancelled',
        error: job.error,
        completedAt: job.completedAt,
        attempts: 2,
        usage: stopped.usage,
        provider: 'openai',
        model: 'gpt-4o-mini',
      };
      expect(recorded).toMatchObject(expected);
      expect(await store.get(job.id)).toMatchObject(expected);
    });

    it('writes it once: a job that already carries usage is left as it is', async () => {
      const job = await cancelled();
      await store.recordStoppedCall(job.id, stopped, new Date());

      const again = await store.recordStoppedCall(job.id, { ...stopped, attempts: 5 }, new Date());

      expect(again).toBeUndefined();
      expect(await store.get(job.id)).toMatchObject({ attempts: 2, usage: stopped.usage });
    });

    it('keeps a cancelled job’s partial answer in the same write, once', async () => {
      const job = await cancelled();
      const partial = { ...stopped, partialAnswer: 'The sky is blue bec' };

      const recorded = await store.recordStoppedCall(job.id, partial, new Date());

      const expected = { status: 'cancelled', answer: null, partialAnswer: 'The sky is blue bec' };
      expect(recorded).toMatchObject({ ...expected, usage: stopped.usage, attempts: 2 });
      expect(await store.get(job.id)).toMatchObject(expected);
      // Once: a redelivered message's worker changes nothing.
      const again = { ...partial, partialAnswer: 'other text' };
      expect(await store.recordStoppedCall(job.id, again, new Date())).toBeUndefined();
      expect(await store.get(job.id)).toMatchObject(expected);
    });

    it('keeps a partial answer only on a cancelled job', async () => {
      const job = await created();
      await store.settle(job.id, failure('deadline_exceeded', 'late'), new Date(), {
        from: ['queued'],
        beforeDeadline: false,
      });

      const partial = { ...stopped, partialAnswer: 'text' };
      expect(await store.recordStoppedCall(job.id, partial, new Date())).toBeUndefined();
      expect(await store.get(job.id)).toMatchObject({ status: 'failed', partialAnswer: null });
    });

    it('never writes onto a pending or completed job, nor one it does not have', async () => {
      const pending = await created();
      const completed = await created();
      await store.settle(completed.id, answered, new Date(), {
        from: ['queued'],
        beforeDeadline: false,
      });

      for (const id of [pending.id, completed.id, randomUUID()]) {
        expect(await store.recordStoppedCall(id, stopped, new Date())).toBeUndefined();
      }
      expect(await store.get(pending.id)).toMatchObject({ status: 'queued', usage: null });
      expect(await store.get(completed.id)).toMatchObject({ usage: answered.usage, attempts: 1 });
    });
  });

  describe('conversations', () => {
    /** The conversation a turn of `job` makes, after `before` (none: the first turn). */
    const turnOf = (job: JobRecord, before?: ConversationRecord): ConversationRecord =>
      nextConversation(before, job, new Date(job.createdAt));

    async function conversationOf(
      turns: number,
      on: JobStore = store,
      jobOverrides: Partial<JobRecord> = {},
    ): Promise<{ conversation: ConversationRecord; jobs: JobRecord[] }> {
      const conversationId = randomUUID();
      let conversation: ConversationRecord | undefined;
      const jobs: JobRecord[] = [];
      for (let turn = 1; turn <= turns; turn++) {
        const job = newJob({ conversationId, turn, ...jobOverrides });
        const next = turnOf(job, conversation);
        const result = await on.startTurn(job, {
          conversation: next,
          expectedLastTurn: turn - 1,
        });
        expect(result).toEqual({ outcome: 'created', job });
        conversation = next;
        jobs.push(job);
      }
      return { conversation: conversation as ConversationRecord, jobs };
    }

    /** The domain service over this store, its queue never consumed (jobs stay queued). */
    const service = (on: JobStore = store, now?: () => Date) =>
      memoryDomain({ store: on, providers: ['openai'], ...(now && { now }) }).jobs;

    const completeJob = (id: string) =>
      store.settle(id, answered, new Date(), {
        from: ['queued', 'running'],
        beforeDeadline: false,
      });

    it('stores a turn with its conversation, and reads both back', async () => {
      const { conversation, jobs } = await conversationOf(3);

      expect(await store.getConversation(conversation.id)).toEqual(conversation);
      expect(await store.getMany(conversation.jobIds)).toEqual(jobs);
      expect(jobs.map((job) => job.turn)).toEqual([1, 2, 3]);
    });

    it('reads many jobs in the order asked, skipping the ones it does not have', async () => {
      const [a, b] = [await created(), await created()];
      expect(await store.getMany([b.id, randomUUID(), a.id])).toEqual([b, a]);
    });

    it('numbers turns under concurrent asks: of five racing for turn 2, exactly one is written', async () => {
      const { conversation } = await conversationOf(1);
      const racers = Array.from({ length: 5 }, () =>
        newJob({ conversationId: conversation.id, turn: 2 }),
      );

      const results = await Promise.all(
        racers.map((job) =>
          subject
            .otherWriter()
            .startTurn(job, { conversation: turnOf(job, conversation), expectedLastTurn: 1 }),
        ),
      );

      const winners = results.filter((result) => result.outcome === 'created');
      expect(winners).toHaveLength(1);
      const winner = (winners[0] as { job: JobRecord }).job;
      for (const lost of results.filter((result) => result.outcome !== 'created')) {
        expect(lost).toMatchObject({ outcome: 'taken', conversation: { lastTurn: 2 } });
      }
      expect((await store.getConversation(conversation.id))?.jobIds).toEqual([
        conversation.jobIds[0],
        winner.id,
      ]);
      // The losers' jobs were not stored.
      const losers = racers.filter((job) => job.id !== winner.id);
      expect(await store.getMany(losers.map((job) => job.id))).toEqual([]);
    });

    it('numbers turns 1, 2, 3 through the job service, one accepted per turn however many race', async () => {
      const jobs = service();
      const first = (await jobs.submit({ question: 'Turn one' }, ANONYMOUS)).job;
      const turns = [first];
      for (const expected of [2, 3]) {
        await completeJob(turns.at(-1)!.id);
        const results = await Promise.allSettled(
          Array.from({ length: 4 }, (_, i) =>
            jobs.submit(
              {
                question: `Turn ${expected} racer ${i}`,
                conversationId: first.conversationId,
              },
              ANONYMOUS,
            ),
          ),
        );
        const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.job] : []));
        expect(accepted).toHaveLength(1);
        for (const refused of results.filter((r) => r.status === 'rejected')) {
          expect(refused.reason).toBeInstanceOf(TurnInProgressError);
          expect((refused.reason as TurnInProgressError).jobId).toBe(accepted[0]!.id);
        }
        turns.push(accepted[0]!);
      }

      expect(turns.map((job) => job.turn)).toEqual([1, 2, 3]);
      const read = await store.getConversation(first.conversationId);
      expect(read?.jobIds).toEqual(turns.map((job) => job.id));
    });

    it('refuses a turn on a conversation it does not have', async () => {
      const job = newJob({ turn: 2 });
      const result = await store.startTurn(job, {
        conversation: turnOf(job),
        expectedLastTurn: 1,
      });

      expect(result).toEqual({ outcome: 'missing' });
      expect(await store.get(job.id)).toBeUndefined();
    });

    it('replays the turn of a reused Idempotency-Key instead of writing another', async () => {
      const { conversation } = await conversationOf(1);
      const claim = { scope: 'caller-a', key: `key-${randomUUID()}`, fingerprint: 'turn-2' };
      const job = newJob({ conversationId: conversation.id, turn: 2 });
      await store.startTurn(
        job,
        { conversation: turnOf(job, conversation), expectedLastTurn: 1 },
        claim,
      );
      const again = newJob({ conversationId: conversation.id, turn: 2 });

      const replay = await store.startTurn(
        again,
        { conversation: turnOf(again, conversation), expectedLastTurn: 1 },
        claim,
      );

      expect(replay).toEqual({ outcome: 'replayed', job });
      expect(await store.findByIdempotencyKey(claim)).toEqual(job);
      expect(await store.findByIdempotencyKey({ ...claim, scope: 'caller-b' })).toBeUndefined();
      await expect(
        store.findByIdempotencyKey({ ...claim, fingerprint: 'other' }),
      ).rejects.toBeInstanceOf(IdempotencyConflictError);
    });

    it('inherits subject, level, language and mode unless the ask sets them; what it sets sticks', async () => {
      const jobs = service();
      const first = (
        await jobs.submit(
          {
            question: 'One',
            subject: 'chemistry',
            level: 'high school',
            language: 'es',
            mode: 'tutor',
          },
          ANONYMOUS,
        )
      ).job;
      await completeJob(first.id);
      const second = (
        await jobs.submit({ question: 'Two', conversationId: first.conversationId }, ANONYMOUS)
      ).job;
      await completeJob(second.id);
      const third = (
        await jobs.submit(
          {
            question: 'Three',
            conversationId: first.conversationId,
            mode: 'quiz',
            language: 'en',
          },
          ANONYMOUS,
        )
      ).job;

      expect(second).toMatchObject({
        subject: 'chemistry',
        level: 'high school',
        language: 'es',
        mode: 'tutor',
      });
      expect(third).toMatchObject({
        subject: 'chemistry',
        level: 'high school',
        language: 'en',
        mode: 'quiz',
      });
      expect(await store.getConversation(first.conversationId)).toMatchObject({
        subject: 'chemistry',
        level: 'high school',
        language: 'en',
        mode: 'quiz',
        lastTurn: 3,
      });
    });

    it('deletes a conversation with all its jobs; a second delete finds nothing', async () => {
      const { conversation, jobs } = await conversationOf(3);

      expect(await store.deleteConversation(conversation.id)).toEqual(conversation);

      expect(await store.getConversation(conversation.id)).toBeUndefined();
      for (const job of jobs) expect(await store.get(job.id)).toBeUndefined();
      expect(await store.deleteConversation(conversation.id)).toBeUndefined();
      // Nothing can be added to it any more.
      const late = newJob({ conversationId: conversation.id, turn: 4 });
      expect(
        await store.startTurn(late, {
          conversation: turnOf(late, conversation),
          expectedLastTurn: 3,
        }),
      ).toEqual({ outcome: 'missing' });
    });

    it('keeps a conversation as long as its latest turn (JOB_TTL_DAYS counted from it)', async () => {
      let clock = Date.now();
      const clocked = subject.withClock(() => new Date(clock));
      const jobs = service(clocked, () => new Date(clock));
      const first = (await jobs.submit({ question: 'One' }, ANONYMOUS)).job;
      await clocked.settle(first.id, answered, new Date(clock), {
        from: ['queued'],
        beforeDeadline: false,
      });
      clock += 3 * 24 * 3600 * SECOND;
      const second = (
        await jobs.submit({ question: 'Two', conversationId: first.conversationId }, ANONYMOUS)
      ).job;

      // Past the first turn's TTL, within the second's: still there.
      clock += 5 * 24 * 3600 * SECOND;
      expect((await clocked.getConversation(first.conversationId))?.expiresAt).toBe(
        second.expiresAt,
      );
      // Past the latest turn's TTL: gone, and cannot be continued.
      clock += 3 * 24 * 3600 * SECOND;
      expect(await clocked.getConversation(first.conversationId)).toBeUndefined();
    });

    it('sets feedback on a completed job only, and replaces it when set again', async () => {
      const job = await created();
      const at = new Date();
      const up = { rating: 'up' as const, comment: 'clear', givenAt: at.toISOString() };
      const down = { rating: 'down' as const, comment: null, givenAt: at.toISOString() };

      expect(await store.setFeedback(job.id, up, at)).toEqual({ outcome: 'not_completed', job });
      await completeJob(job.id);
      expect(await store.setFeedback(job.id, up, at)).toMatchObject({
        outcome: 'given',
        job: { id: job.id, status: 'completed', feedback: up },
      });
      await store.setFeedback(job.id, down, at);
      expect((await store.get(job.id))?.feedback).toEqual(down);
      expect(await store.setFeedback(randomUUID(), up, at)).toEqual({ outcome: 'missing' });
    });

    describe('what a principal owns', () => {
      const owner = () => `guest:${randomUUID()}`;
      /** A conversation of `ownerId`'s whose latest turn was asked at `at`. */
      const conversationAt = (ownerId: string, at: Date, turns = 1) =>
        conversationOf(turns, store, { ownerId, createdAt: at.toISOString() });

      it('lists the owner’s conversations only, most recently updated first, a page at a time', async () => {
        const alice = owner();
        const base = Date.now();
        const oldest = await conversationAt(alice, new Date(base - 3 * SECOND));
        const middle = await conversationAt(alice, new Date(base - 2 * SECOND), 2);
        const newest = await conversationAt(alice, new Date(base - SECOND));
        await conversationAt(owner(), new Date(base));

        const first = await store.listConversations(alice, { limit: 2 });
        expect(first.items.map((item) => item.id)).toEqual([
          newest.conversation.id,
          middle.conversation.id,
        ]);
        expect(first.items[1]).toMatchObject({
          ownerId: alice,
          lastTurn: 2,
          title: 'Why is the sky blue?',
        });
        const second = await store.listConversations(alice, { limit: 2, cursor: first.next });
        expect(second.items.map((item) => item.id)).toEqual([oldest.conversation.id]);
        expect(second.next).toBeUndefined();
        expect(await store.listConversations(owner(), { limit: 20 })).toEqual({
          items: [],
          next: undefined,
        });
        await expect(
          store.listConversations(alice, { limit: 2, cursor: 'bm90LWEtY3Vyc29y' }),
        ).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it('erases everything of the owner: conversations, their jobs, Idempotency-Key records', async () => {
        const alice = owner();
        const bob = owner();
        const { conversation, jobs } = await conversationAt(alice, new Date(), 2);
        const claim = { scope: alice, key: `key-${randomUUID()}`, fingerprint: 'turn-3' };
        const keyed = newJob({ ownerId: alice, conversationId: conversation.id, turn: 3 });
        await store.startTurn(
          keyed,
          { conversation: turnOf(keyed, conversation), expectedLastTurn: 2 },
          claim,
        );
        const kept = await conversationAt(bob, new Date());

        const erased = await store.eraseOwner(alice);

        expect(erased.map((item) => item.id)).toEqual([conversation.id]);
        expect(await store.getConversation(conversation.id)).toBeUndefined();
        for (const job of [...jobs, keyed]) expect(await store.get(job.id)).toBeUndefined();
        expect(await store.findByIdempotencyKey(claim)).toBeUndefined();
        expect((await store.listConversations(alice, { limit: 20 })).items).toEqual([]);
        expect(await store.getConversation(kept.conversation.id)).toEqual(kept.conversation);
        expect(await store.eraseOwner(alice)).toEqual([]);
      });

      it('hands everything of one owner to another, once', async () => {
        const guestId = owner();
        const user = `user:${randomUUID()}`;
        const { conversation, jobs } = await conversationAt(guestId, new Date(), 2);
        const claim = { scope: guestId, key: `key-${randomUUID()}`, fingerprint: 'turn-3' };
        const keyed = newJob({ ownerId: guestId, conversationId: conversation.id, turn: 3 });
        await store.startTurn(
          keyed,
          { conversation: turnOf(keyed, conversation), expectedLastTurn: 2 },
          claim,
        );

        expect(await store.transferOwner(guestId, user)).toBe(1);
        expect(await store.transferOwner(guestId, user)).toBe(0);

        expect(
          (await store.listConversations(user, { limit: 20 })).items.map((item) => item.id),
        ).toEqual([conversation.id]);
        expect((await store.listConversations(guestId, { limit: 20 })).items).toEqual([]);
        expect(await store.getConversation(conversation.id)).toMatchObject({ ownerId: user });
        for (const job of [...jobs, keyed])
          expect(await store.get(job.id)).toMatchObject({ ownerId: user });
        // The key's record went with them: erasing the user leaves nothing of the guest's asks.
        await store.eraseOwner(user);
        expect(await store.findByIdempotencyKey(claim)).toBeUndefined();
      });

      it('keeps the new owner of a job handed over while a worker held it', async () => {
        const guestId = owner();
        const user = `user:${randomUUID()}`;
        const { jobs } = await conversationAt(guestId, new Date());
        const job = jobs[0]!;
        await store.claim(job.id, new Date(), inFuture(60 * SECOND));

        await store.transferOwner(guestId, user);
        const settled = await store.settle(job.id, answered, new Date(), {
          from: ['running'],
          beforeDeadline: true,
        });

        expect(settled).toMatchObject({ status: 'completed', ownerId: user });
        expect(await store.get(job.id)).toMatchObject({ status: 'completed', ownerId: user });
      });
    });
  });
});
