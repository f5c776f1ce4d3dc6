/**
 * A sync wait when the event channel does not deliver the job's `done`: the settlement watch reads
 * the store, at its fast pace while the channel is down or silent about the job, so the ask still
 * answers with the outcome instead of waiting out its whole budget.
 */
import { describe, expect, it } from 'vitest';
import { MemoryEventChannel } from '../../src/adapters/memory/event-channel.js';
import { RedisEventChannel } from '../../src/adapters/redis/redis-event-channel.js';
import { toPublicJob } from '../../src/domain/job.js';
import type { EventChannel } from '../../src/domain/ports.js';
import type { SettlementPace } from '../../src/domain/settlement-watch.js';
import { deadUrl } from '../support/fake-llm.js';
import { newJob } from '../support/jobs.js';
import { captureLogs } from '../support/logs.js';
import { memoryDomain } from '../support/memory-domain.js';

const WAIT_MS = 20_000;
/** Silent for 100 ms, or down: the store is read every 50 ms; otherwise every 10 s. */
const FAST_WHEN_SILENT: SettlementPace = { graceMs: 100, fastMs: 50, slowMs: 10_000 };

const memoryChannel = () =>
  new MemoryEventChannel({ ttlSeconds: 60, maxEventsPerJob: 100, maxJobs: 100 });

/**
 * Waits on a job that a worker announces running on `announceOn` and settles 300 ms later in the
 * store only: its `done` is lost.
 */
async function waitWith(
  listenOn: EventChannel,
  announceOn: EventChannel = listenOn,
  pace: SettlementPace = FAST_WHEN_SILENT,
) {
  const { store, jobs: service } = memoryDomain({ channel: listenOn, pace });
  const job = newJob();
  await store.create(job);
  setTimeout(() => {
    void announceOn.publish(job.id, {
      type: 'job',
      job: toPublicJob({ ...job, status: 'running' }),
    });
  }, 50);
  setTimeout(() => {
    void store.settle(
      job.id,
      {
        status: 'completed',
        answer: 'Rayleigh.',
        provider: 'offline',
        model: 'm',
        usage: { inputTokens: 3, outputTokens: 2, costUsd: 0 },
        attempts: 1,
      },
      new Date(),
      { from: ['queued'], beforeDeadline: false },
    );
  }, 300);
  return service.waitUntilSettled(job.id, WAIT_MS);
}

describe('JobService.waitUntilSettled without the done event', () => {
  it(
    'answers from the store when the channel says nothing about the job',
    { timeout: 5000 },
    async () => {
      // The worker announces the job on another channel: this one hears nothing of it.
      const job = await waitWith(memoryChannel(), memoryChannel());

      expect(job).toMatchObject({ status: 'completed', answer: 'Rayleigh.' });
    },
  );

  it('answers from the store when the channel is down', { timeout: 5000 }, async () => {
    const { logger } = captureLogs('warn');
    // A real Redis client pointed at a port nobody listens on.
    const down = new RedisEventChannel({
      url: (await deadUrl()).replace('http:', 'redis:'),
      cluster: false,
      ttlSeconds: 60,
      maxEventsPerJob: 100,
      logger,
    });
    try {
      const job = await waitWith(down, memoryChannel());

      expect(job).toMatchObject({ status: 'completed', answer: 'Rayleigh.' });
    } finally {
      await down.close();
    }
  });

  it(
    'answers from the store at the slow pace when the channel spoke about the job but lost its `done`',
    { timeout: 5000 },
    async () => {
      const job = await waitWith(memoryChannel(), undefined, { ...FAST_WHEN_SILENT, slowMs: 500 });

      expect(job).toMatchObject({ status: 'completed', answer: 'Rayleigh.' });
    },
  );
});
