/**
 * A job's stream when the channel and the store disagree: the store is the source of truth, so a
 * `done` that never reached the channel must not leave a follower waiting for ever.
 */
import { describe, expect, it } from 'vitest';
import { MemoryJobEvents } from '../../src/adapters/memory/job-events.js';
import { MemoryJobQueue } from '../../src/adapters/memory/job-queue.js';
import { MemoryJobStore } from '../../src/adapters/memory/job-store.js';
import type { LoggedJobEvent } from '../../src/domain/events.js';
import { JobService } from '../../src/domain/job-service.js';
import { JobStreams } from '../../src/domain/job-stream.js';
import { captureLogs } from '../support/logs.js';

function setUp() {
  const { logger } = captureLogs();
  const store = new MemoryJobStore({ maxJobs: 100 });
  const events = new MemoryJobEvents({ ttlSeconds: 60, maxEventsPerJob: 100 });
  // Never started: no worker takes the jobs, the test settles them.
  const queue = new MemoryJobQueue({
    concurrency: 1,
    redeliveryDelayMs: 1000,
    maxReceiveCount: 1,
    onDeadLetter: async () => undefined,
    logger,
  });
  const jobs = new JobService({
    store,
    queue,
    events,
    logger,
    deadlineSeconds: 300,
    ttlDays: 1,
    providers: [],
  });
  return { store, events, jobs, streams: new JobStreams(jobs, logger, { storeCheckMs: 50 }) };
}

async function collect(iterable: AsyncIterable<LoggedJobEvent>): Promise<LoggedJobEvent[]> {
  const seen: LoggedJobEvent[] = [];
  for await (const event of iterable) seen.push(event);
  return seen;
}

describe('JobStreams', () => {
  it('ends a followed stream with `done` from the store when the channel never announced it', async () => {
    const { store, events, jobs, streams } = setUp();
    const { job } = await jobs.submit({ question: 'Lost done?' });
    const opened = await streams.open(job, undefined, new AbortController().signal);
    if (typeof opened === 'symbol') throw new Error('expected a stream');
    const reading = collect(opened);
    await events.publish(job.id, { type: 'delta', text: 'Half an ' });

    // Settled in the store only: the publish of its `done` was lost.
    await store.settle(
      job.id,
      {
        status: 'completed',
        answer: 'Half an answer.',
        provider: 'offline',
        model: 'offline-demo',
        usage: { inputTokens: 1, outputTokens: 3 },
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

  it('stops following when the client goes away', async () => {
    const { jobs, streams } = setUp();
    const { job } = await jobs.submit({ question: 'Anyone there?' });
    const client = new AbortController();
    const opened = await streams.open(job, undefined, client.signal);
    if (typeof opened === 'symbol') throw new Error('expected a stream');
    const reading = collect(opened);

    client.abort();

    expect((await reading).map((event) => event.type)).toEqual(['job']);
  });
});
