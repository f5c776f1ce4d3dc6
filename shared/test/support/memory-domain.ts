/**
 * The domain over the in-memory adapters, for tests of how the job service, streams and worker
 * behave when the channel and the store disagree. The queue is never started: a test hands
 * messages to a processor itself, or settles jobs in the store behind the channel's back.
 */
import { MemoryEventChannel } from '../../src/adapters/memory/event-channel.js';
import { MemoryJobQueue } from '../../src/adapters/memory/job-queue.js';
import { MemoryJobStore } from '../../src/adapters/memory/job-store.js';
import { JobService, type JobServiceOptions } from '../../src/domain/job-service.js';
import type { EventChannel } from '../../src/domain/ports.js';
import { captureLogs } from './logs.js';

export function memoryDomain(
  options: { channel?: EventChannel } & Partial<
    Pick<JobServiceOptions, 'channelGraceMs' | 'providers'>
  > = {},
) {
  const { logger } = captureLogs('warn');
  const store = new MemoryJobStore({ maxJobs: 100 });
  const channel =
    options.channel ?? new MemoryEventChannel({ ttlSeconds: 60, maxEventsPerJob: 1000 });
  const queue = new MemoryJobQueue({
    concurrency: 1,
    redeliveryDelayMs: 1000,
    maxReceiveCount: 3,
    onDeadLetter: async () => undefined,
    logger,
  });
  const jobs = new JobService({
    store,
    queue,
    channel,
    logger,
    deadlineSeconds: 300,
    ttlDays: 7,
    providers: options.providers ?? [],
    ...(options.channelGraceMs !== undefined && { channelGraceMs: options.channelGraceMs }),
  });
  return { logger, store, channel, jobs };
}
