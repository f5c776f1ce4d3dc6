/**
 * The worker's side of a cancel when the event channel lost the news: the store is the source of
 * truth, so a job settled there by someone else stops its provider call even though no `done`
 * event ever reached the channel.
 */
import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../src/domain/principal.js';
import { ProviderChain } from '../../src/providers/chain.js';
import { OfflineProvider } from '../../src/providers/offline.js';
import { memoryDomain } from '../support/memory-domain.js';

describe('JobProcessor', () => {
  it('stops the provider call of a job cancelled in the store whose `done` never reached the channel', async () => {
    // The channel speaks about the job (it runs): the store is read at the slow pace, 50 ms here.
    const { store, channel, jobs, processor } = memoryDomain({ pace: { slowMs: 50 } });
    // A long answer: 60 s, word by word.
    const worker = processor(new ProviderChain([new OfflineProvider({ delayMs: 60_000 })]));
    const { job } = await jobs.submit({ question: 'Will you stop?' }, ANONYMOUS);
    const processing = worker.process({ jobId: job.id });
    // Under way: the worker announced the job running.
    for await (const event of channel.follow(job.id, channel.origin, AbortSignal.timeout(5000))) {
      if (event.type === 'job' && event.job.status === 'running') break;
    }

    // Cancelled in the store only: the publish of its `done` was lost.
    await store.settle(
      job.id,
      { status: 'cancelled', error: { code: 'cancelled', message: 'Stopped' }, attempts: 0 },
      new Date(),
      { from: ['queued', 'running'], beforeDeadline: false },
    );

    expect(await processing).toBe('cancelled');
    const logged = await channel.read(job.id, channel.origin);
    expect(logged.some((event) => event.type === 'done')).toBe(false);
    expect(await store.get(job.id)).toMatchObject({ status: 'cancelled', answer: null });
  });
});
