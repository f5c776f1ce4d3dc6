/**
 * A job's stream when the channel and the store disagree: the store is the source of truth, so a
 * `done` that never reached the channel must not leave a follower waiting for ever.
 */
import { describe, expect, it } from 'vitest';
import type { LoggedJobEvent } from '../../src/domain/events.js';
import { MemoryEventChannel } from '../../src/adapters/memory/event-channel.js';
import { EventStreams, NOTHING_AFTER } from '../../src/domain/event-streams.js';
import { ANONYMOUS } from '../../src/domain/principal.js';
import { memoryDomain } from '../support/memory-domain.js';

function setUp() {
  // The store is read every 50 ms for the followed jobs the channel speaks about.
  const domain = memoryDomain({ pace: { slowMs: 50, fastMs: 25 } });
  return { ...domain, streams: new EventStreams(domain.jobs, domain.logger) };
}

const cancelledSettlement = {
  status: 'cancelled',
  error: { code: 'cancelled', message: 'Cancelled by the test' },
  attempts: 0,
} as const;

async function collect(iterable: AsyncIterable<LoggedJobEvent>): Promise<LoggedJobEvent[]> {
  const seen: LoggedJobEvent[] = [];
  for await (const event of iterable) seen.push(event);
  return seen;
}

describe('EventStreams', () => {
  it('ends a followed stream with `done` from the store when the channel never announced it', async () => {
    const { store, channel, jobs, streams } = setUp();
    const { job } = await jobs.submit({ question: 'Lost done?' }, ANONYMOUS);
    const opened = await streams.open(job, undefined, new AbortController().signal);
    if (typeof opened === 'symbol') throw new Error('expected a stream');
    const reading = collect(opened);
    await channel.publish(job.id, { type: 'delta', text: 'Half an ' });

    // Settled in the store only: the publish of its `done` was lost.
    await store.settle(
      job.id,
      {
        status: 'completed',
        answer: 'Half an answer.',
        provider: 'offline',
        model: 'offline-demo',
        usage: { inputTokens: 1, outputTokens: 3, costUsd: 0 },
        attempts: 1,
      },
      new Date(),
      { from: ['queued'], beforeDeadline: false },
    );
    const seen = await reading;

    expect(seen.map((event) => event.type)).toEqual(['job', 'delta', 'done']);
    expect(seen.at(-1)).toMatchObject({
      type: 'done',
      job: { status: 'completed', answer: 'Half an answer.' },
    });
  });

  it('ends exactly the streams whose jobs settled unannounced, however many streams are open', async () => {
    const { store, jobs, streams } = setUp();
    const client = new AbortController();
    const follow = async (job: { id: string }) => {
      const record = await jobs.get(job.id, ANONYMOUS);
      const opened = await streams.open(record!, undefined, client.signal);
      if (typeof opened === 'symbol') throw new Error('expected a stream');
      // Wrapped: an async function returning the promise itself would wait for the stream's end.
      return { events: collect(opened) };
    };
    const [first, second, third] = await Promise.all(
      ['One?', 'Two?', 'Three?'].map(
        async (question) => (await jobs.submit({ question }, ANONYMOUS)).job,
      ),
    );
    const readers = {
      first: [(await follow(first!)).events, (await follow(first!)).events],
      second: (await follow(second!)).events,
      third: (await follow(third!)).events,
    };
    let secondEnded = false;
    void readers.second.then(() => (secondEnded = true));

    for (const job of [first!, third!]) {
      await store.settle(job.id, cancelledSettlement, new Date(), {
        from: ['queued'],
        beforeDeadline: false,
      });
    }
    const ended = await Promise.all([...readers.first, readers.third]);

    for (const seen of ended) {
      expect(seen.map((event) => event.type)).toEqual(['job', 'done']);
      expect(seen.at(-1)).toMatchObject({ job: { status: 'cancelled' } });
    }
    // Several rounds of store checks later, the pending job's stream is still open.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(secondEnded).toBe(false);
    client.abort();
    expect((await readers.second).map((event) => event.type)).toEqual(['job']);
  });

  it('stops following when the client goes away', async () => {
    const { jobs, streams } = setUp();
    const { job } = await jobs.submit({ question: 'Anyone there?' }, ANONYMOUS);
    const client = new AbortController();
    const opened = await streams.open(job, undefined, client.signal);
    if (typeof opened === 'symbol') throw new Error('expected a stream');
    const reading = collect(opened);

    client.abort();

    expect((await reading).map((event) => event.type)).toEqual(['job']);
  });
});

describe('EventStreams.open for a settled job, resumed', () => {
  async function settledJob() {
    let clock = Date.now();
    const channel = new MemoryEventChannel({
      ttlSeconds: 60,
      maxEventsPerJob: 100,
      maxJobs: 100,
      now: () => clock,
    });
    const domain = memoryDomain({ channel });
    const streams = new EventStreams(domain.jobs, domain.logger);
    const { job } = await domain.jobs.submit({ question: 'Resume me?' }, ANONYMOUS);
    const deltaId = await channel.publish(job.id, { type: 'delta', text: 'All of it.' });
    await domain.jobs.cancel(job.id, ANONYMOUS);
    const settled = (await domain.jobs.get(job.id, ANONYMOUS))!;
    const doneId = (await channel.read(job.id, channel.origin)).at(-1)!.id;
    const open = async (lastEventId: string) => {
      const opened = await streams.open(settled, lastEventId, new AbortController().signal);
      return typeof opened === 'symbol' ? opened : (await collect(opened)).map((e) => e.type);
    };
    return { open, deltaId, doneId, origin: channel.origin, expire: () => (clock += 61_000) };
  }

  it('sends the `done` a client resuming just before it has not seen', async () => {
    const { open, deltaId } = await settledJob();
    expect(await open(deltaId)).toEqual(['done']);
  });

  it('answers nothing more (204) to a client resuming after `done`', async () => {
    const { open, doneId } = await settledJob();
    expect(await open(doneId)).toBe(NOTHING_AFTER);
  });

  it('answers `reset`, `job`, `done` once the log expired, from any place, the origin too', async () => {
    const { open, deltaId, doneId, origin, expire } = await settledJob();
    expire();

    for (const place of [origin, deltaId, doneId]) {
      expect(await open(place)).toEqual(['reset', 'job', 'done']);
    }
  });
});
