import type { EventPublisher } from './event-publisher.js';
import {
  isSettled,
  PENDING_STATUSES,
  type JobRecord,
  type Settlement,
  type StoppedCall,
} from './job.js';
import { NO_METRICS, type Metrics } from './metrics.js';
import type { JobStore, Logger, SettleOptions } from './ports.js';
import type { Quotas } from './quotas.js';
import { failure, isOverdue } from './transitions.js';

export interface SettlerOptions {
  store: JobStore;
  publisher: EventPublisher;
  logger: Logger;
  /** The deadline pending jobs are given (JOB_DEADLINE_SECONDS), named in the failure it causes. */
  deadlineSeconds: number;
  /** Counts every job that settles here (one place for every end, api and worker alike). */
  metrics?: Metrics;
  /** Frees a settled job's pending slot and adds what it used to its owner's day. */
  quotas?: Quotas;
  now?: () => Date;
}

/**
 * The one way a job ends: settled in the store (the source of truth) by a conditional write and,
 * when that write won, announced on the event channel with `done`. The api (a cancel, a deadline,
 * a queue that refused the job) and the worker (an answer, a failure, a dead letter) both settle
 * through it.
 */
export class Settler {
  private readonly now: () => Date;
  private readonly metrics: Metrics;

  /** Where `done` and every other event of a job is announced. */
  readonly publisher: EventPublisher;

  constructor(private readonly options: SettlerOptions) {
    this.now = options.now ?? (() => new Date());
    this.publisher = options.publisher;
    this.metrics = options.metrics ?? NO_METRICS;
  }

  /** Settles the job if `options` allow it, then announces it; undefined when the write lost. */
  async settle(
    id: string,
    settlement: Settlement,
    options: SettleOptions,
  ): Promise<JobRecord | undefined> {
    const settled = await this.options.store.settle(id, settlement, this.now(), options);
    if (!settled) return undefined;
    this.metrics.jobSettled(settled);
    const counted = this.options.quotas?.settled(settled);
    if (counted) await counted;
    await this.options.publisher.done(settled);
    return settled;
  }

  /**
   * Writes what a call whose job was settled by someone else used onto the job (no `done`: the
   * job's end was announced when it was settled). Undefined when there was nothing to write.
   */
  async recordStoppedCall(id: string, call: StoppedCall): Promise<JobRecord | undefined> {
    if (call.attempts === 0 && !call.usage && !call.partialAnswer) return undefined;
    const recorded = await this.options.store.recordStoppedCall(id, call, this.now());
    if (recorded?.usage) {
      this.metrics.callsUsed(recorded.usage, recorded.provider, recorded.model);
      await this.options.quotas?.settled(recorded);
    }
    return recorded;
  }

  /**
   * The job as it stands: a pending job past its deadline is settled as failed /
   * deadline_exceeded first (or, when someone settled it in between, read again).
   */
  async current(job: JobRecord): Promise<JobRecord> {
    if (isSettled(job.status) || !isOverdue(job, this.now())) return job;
    const expired = await this.settle(
      job.id,
      failure('deadline_exceeded', `No answer within ${this.options.deadlineSeconds} s`),
      { from: PENDING_STATUSES, beforeDeadline: false },
    );
    if (expired) {
      this.options.logger.warn({ jobId: job.id }, 'job deadline exceeded');
      return expired;
    }
    return (await this.options.store.get(job.id)) ?? job;
  }

  /** These jobs as they stand (see `current`), in order, missing ones left out. */
  async currentMany(ids: readonly string[]): Promise<JobRecord[]> {
    const jobs = await this.options.store.getMany(ids);
    return Promise.all(jobs.map((job) => this.current(job)));
  }
}
