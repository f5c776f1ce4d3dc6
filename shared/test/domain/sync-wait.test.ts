/**
 * A sync wait when the event channel does not deliver the job's `done`: the store is watched as
 * well, so the ask still answers with the outcome instead of waiting out its whole budget.
 */
import { describe, expect, it } from 'vitest';
import { MemoryEventChannel } from '../../src/adapters/memory/event-channel.js';
import { RedisEventChannel } from '../../src/adapters/redis/redis-event-channel.js';
import type { EventChannel } from '../../src/domain/ports.js';
import { deadUrl } from '../support/fake-llm.js';
import { newJob } from '../support/jobs.js';
import { captureLogs } from '../support/logs.js';
import { memoryDomain } from '../support/memory-domain.js';

const WAIT_MS = 20_000;

async function waitWith(channel: EventChannel) {
  const { store, jobs: service } = memoryDomain({
    channel,
    channelGraceMs: 100,
    providers: ['openai'],
  });
  const job = newJob();
  await store.create(job);
  // Settled behind the channel's back: only the store knows.
  setTimeout(() => {
    void store.settle(
      job.id,
      {
        status: 'completed',
        answer: 'Rayleigh.',
        provider: 'offline',
        model: 'm',
        usage: { inputTokens: 3, outputTokens: 2 },
        attempts: 1,
      },
      new Date(),
      { from: ['queued'], beforeDeadline: false },
    );
  }, 300);
  return service.waitForOutcome(job.id, WAIT_MS);
}

describe('JobService.waitForOutcome without the done event', () => {
  it(
    'answers from the store when the channel says nothing about the job',
    { timeout: 5000 },
    async () => {
      const silent = new MemoryEventChannel({ ttlSeconds: 60, maxEventsPerJob: 100 });

      const job = await waitWith(silent);

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
      const job = await waitWith(down);

      expect(job).toMatchObject({ status: 'completed', answer: 'Rayleigh.' });
    } finally {
      await down.close();
    }
  });
});
