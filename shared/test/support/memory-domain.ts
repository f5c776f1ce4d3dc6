/**
 * The domain over the in-memory adapters, for tests of how the job service, streams and worker
 * behave when the channel and the store disagree. The queue is never started: a test hands
 * messages to a processor itself, or settles jobs in the store behind the channel's back.
 */
import { MemoryEventChannel } from '../../src/adapters/memory/event-channel.js';
import { MemoryJobQueue } from '../../src/adapters/memory/job-queue.js';
import { MemoryJobStore } from '../../src/adapters/memory/job-store.js';
import { buildSettlements } from '../../src/composition/settlements.js';
import { JobProcessor } from '../../src/domain/job-processor.js';
import { JobService, type JobServiceOptions } from '../../src/domain/job-service.js';
import type { Answerer, EventChannel, JobStore } from '../../src/domain/ports.js';
import type { SettlementPace } from '../../src/domain/settlement-watch.js';
import { captureLogs } from './logs.js';

export function memoryDomain<Store extends JobStore = MemoryJobStore>(
  options: {
    channel?: EventChannel;
    store?: Store;
    /** The settlement watch's pace (its defaults otherwise). */
    pace?: SettlementPace;
  } & Partial<Pick<JobServiceOptions, 'providers' | 'now'>> = {},
) {
  const { logger } = captureLogs('warn');
  const store = options.store ?? (new MemoryJobStore({ maxJobs: 100 }) as unknown as Store);
  const channel =
    options.channel ??
    new MemoryEventChannel({ ttlSeconds: 60, maxEventsPerJob: 1000, maxJobs: 1000 });
  const queue = new MemoryJobQueue({
    concurrency: 1,
    redeliveryDelayMs: 1000,
    maxReceiveCount: 3,
    onDeadLetter: async () => undefined,
    logger,
  });
  const { settler, settlements } = buildSettlements(
    store,
    channel,
    { JOB_DEADLINE_SECONDS: 300 },
    logger,
    options.pace,
  );
  const jobs = new JobService({
    store,
    queue,
    channel,
    logger,
    settler,
    settlements,
    deadlineSeconds: 300,
    ttlDays: 7,
    providers: options.providers ?? [],
    models: [],
    ...(options.now && { now: options.now }),
  });
  /** A worker of this domain (same settler and watch, as in embedded mode). */
  const processor = (answerer: Answerer) =>
    new JobProcessor({ store, answerer, logger, settler, settlements, leaseSeconds: 120 });
  return { logger, store, channel, jobs, settler, settlements, processor };
}
