import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryEventChannel } from '../../../src/adapters/memory/event-channel.js';

const delta = { type: 'delta', text: 'x' } as const;
const ignore = { heard: () => {}, done: () => {}, lost: () => {} };

describe('MemoryEventChannel bounds (embedded mode must not grow without limit)', () => {
  it('keeps at most maxJobs logs, the oldest going first, but never one someone listens to or follows', async () => {
    const channel = new MemoryEventChannel({ ttlSeconds: 3600, maxEventsPerJob: 10, maxJobs: 10 });
    const jobs = Array.from({ length: 30 }, () => randomUUID());
    const [listened, followed] = jobs as [string, string];
    channel.listen(listened, ignore);
    const following = channel.follow(followed, channel.origin, new AbortController().signal);
    void following[Symbol.asyncIterator]().next();

    for (const jobId of jobs) await channel.publish(jobId, delta);

    const kept = [];
    for (const jobId of jobs)
      if ((await channel.read(jobId, channel.origin)).length > 0) kept.push(jobId);
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept).toContain(listened);
    expect(kept).toContain(followed);
    expect(kept).toContain(jobs.at(-1));
    expect(kept).not.toContain(jobs[2]);
  });
});
