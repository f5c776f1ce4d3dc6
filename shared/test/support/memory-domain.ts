/**
 * The domain over the in-memory adapters, for tests of how the job service, streams and worker
 * behave when the channel and the store disagree. The queue is never started: a test hands
 * messages to a processor itself, or settles jobs in the store behind the channel's back.
 */
import { MemoryJobEvents } from '../../src/adapters/memory/job-events.js';
import { MemoryJobQueue } from '../../src/adapters/memory/job-queue.js';
import { MemoryJobStore } from '../../src/adapters/memory/job-store.js';
import { JobService, type JobServiceOptions } from '../../src/domain/job-service.js';
import type { JobEvents } from '../../src/domain/ports.js';
import { captureLogs } from './logs.js';

export function memoryDomain(
  options: { events?: JobEvents } & Partial<
    Pick<JobServiceOptions, 'channelGraceMs' | 'providers'>
  > = {},
) {
  const { logger } = captureLogs('warn');
  const store = new MemoryJobStore({ maxJobs: 100 });
  const events = options.events ?? new MemoryJobEvents({ ttlSeconds: 60, maxEventsPerJob: 1000 });
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
    events,
    logger,
    deadlineSeconds: 300,
    ttlDays: 7,
    providers: options.providers ?? [],
    ...(options.channelGraceMs !== undefined && { channelGraceMs: options.channelGraceMs }),
  });
  return { logger, store, events, jobs };
}
