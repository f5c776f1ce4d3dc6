import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryJobQueue } from '../../../src/adapters/memory/job-queue.js';
import type { JobMessage } from '../../../src/domain/job.js';

const logger = pino({ level: 'silent' });

function queue(overrides: Partial<ConstructorParameters<typeof MemoryJobQueue>[0]> = {}) {
  const deadLetters: JobMessage[] = [];
  const q = new MemoryJobQueue({
    concurrency: 2,
    redeliveryDelayMs: 5,
    maxReceiveCount: 3,
    onDeadLetter: async (message) => {
      deadLetters.push(message);
    },
    logger,
    ...overrides,
  });
  return { q, deadLetters };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('MemoryJobQueue delivery contract (same as SQS)', () => {
  it('delivers a message again after its handler throws, and dead-letters it after maxReceiveCount', async () => {
    const { q, deadLetters } = queue();
    const message = { jobId: randomUUID() };
    let receives = 0;
    q.start(async () => {
      receives += 1;
      throw new Error('boom');
    });

    await q.send(message);

    await until(() => deadLetters.length === 1);
    expect(receives).toBe(3);
    expect(deadLetters).toEqual([message]);
  });

  it('does not deliver a message again once its handler resolved', async () => {
    const { q, deadLetters } = queue();
    let receives = 0;
    q.start(async () => {
      receives += 1;
    });

    await q.send({ jobId: randomUUID() });
    await new Promise((r) => setTimeout(r, 50));

    expect(receives).toBe(1);
    expect(deadLetters).toEqual([]);
  });

  it('runs at most `concurrency` handlers at once', async () => {
    const { q } = queue({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    let finished = 0;
    q.start(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running -= 1;
      finished += 1;
    });

    for (let i = 0; i < 6; i++) await q.send({ jobId: randomUUID() });

    await until(() => finished === 6);
    expect(peak).toBe(2);
  });

  it('on stop, waits for handlers in flight and refuses new messages', async () => {
    const { q } = queue();
    let finished = false;
    q.start(async () => {
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
    });
    await q.send({ jobId: randomUUID() });

    await q.stop(1000);

    expect(finished).toBe(true);
    await expect(q.send({ jobId: randomUUID() })).rejects.toThrow(/shutting down/);
  });
});
