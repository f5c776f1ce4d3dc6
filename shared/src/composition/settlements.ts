import type { Config } from '../config.js';
import { EventPublisher } from '../domain/event-publisher.js';
import { NO_METRICS, type Metrics } from '../domain/metrics.js';
import type { EventChannel, JobStore, Logger } from '../domain/ports.js';
import { SettlementWatch, type SettlementPace } from '../domain/settlement-watch.js';
import type { Quotas } from '../domain/quotas.js';
import { Settler } from '../domain/settler.js';

/**
 * How a process ends jobs and waits for their end: one settler (settle, then announce `done`) and
 * one settlement watch, whose store reads are batched for every waiter in the process (sync
 * asks, event streams, the worker's jobs in hand).
 */
export function buildSettlements(
  store: JobStore,
  channel: EventChannel,
  config: Pick<Config, 'JOB_DEADLINE_SECONDS'>,
  logger: Logger,
  /** The watch's pace; its defaults otherwise (tests make it faster). */
  pace: SettlementPace = {},
  /** Where settled jobs are counted. */
  metrics: Metrics = NO_METRICS,
  /** Where a settled job's use is counted against its owner's quotas. */
  quotas?: Quotas,
): { settler: Settler; settlements: SettlementWatch } {
  const settler = new Settler({
    store,
    publisher: new EventPublisher(channel, logger),
    logger,
    metrics,
    ...(quotas && { quotas }),
    deadlineSeconds: config.JOB_DEADLINE_SECONDS,
  });
  const settlements = new SettlementWatch({
    channel,
    read: (ids) => settler.currentMany(ids),
    ...pace,
  });
  return { settler, settlements };
}
