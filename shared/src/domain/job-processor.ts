import { setTimeout as sleep } from 'node:timers/promises';
import { JobBusyError } from './errors.js';
import { RESET_REASONS } from './events.js';
import { DeltaPacer } from './delta-pacer.js';
import { EventPublisher } from './event-publisher.js';
import { isSettled, PENDING_STATUSES, type JobMessage, type Settlement } from './job.js';
import { Settler } from './settler.js';
import { failure } from './transitions.js';
import { SettlementWatch } from './settlement-watch.js';
import { turnRequest } from './turn-request.js';
import type { Answerer, EventChannel, JobStore, Logger } from './ports.js';

export interface JobProcessorOptions {
  store: JobStore;
  answerer: Answerer;
  channel: EventChannel;
  logger: Logger;
  /**
   * How long a worker owns a job it took. Longer than the slowest provider round (retries
   * included), so a live worker is never overtaken; a crashed worker's job is taken over after it.
   */
  leaseSeconds: number;
  /** The deadline pending jobs are given (JOB_DEADLINE_SECONDS). */
  deadlineSeconds: number;
  /** How often the store is checked for a cancellation while the event channel is down. */
  cancelPollMs?: number;
  /**
   * How often the store is checked for a cancellation while the channel is up (one batched read
   * for every job in hand): a cancel whose `done` publish was lost still stops the call.
   */
  cancelCheckMs?: number;
  /** The most tokens a prompt may take (CONTEXT_MAX_TOKENS): older turns are dropped to fit. */
  contextMaxTokens?: number;
  now?: () => Date;
}

export type ProcessOutcome =
  'completed' | 'failed' | 'cancelled' | 'duplicate' | 'missing' | 'overdue' | 'late';

/** How often the jobs in hand are looked up in the store while the channel is up. */
const CANCEL_CHECK_MS = 10_000;
/** The abort reason of a provider call stopped because its job was cancelled. */
const CANCELLED = Symbol('job cancelled');
/** The reason the cancel watch of a finished call is stopped with (spares a DOMException). */
const CALL_ENDED = Symbol('call ended');

/**
 * The worker side of a job's life. Safe under at-least-once delivery: the conditional claim lets
 * one delivery at a time call a provider, and a settled job is never written again.
 * Resolving means the message may be deleted; throwing means it must be delivered again.
 */
export class JobProcessor {
  private readonly now: () => Date;
  private readonly publisher: EventPublisher;
  private readonly settler: Settler;
  /** The store's word on the jobs in hand, in case a cancel's `done` never reached the channel. */
  private readonly settlements: SettlementWatch;

  constructor(private readonly options: JobProcessorOptions) {
    this.now = options.now ?? (() => new Date());
    this.publisher = new EventPublisher(options.channel, options.logger);
    this.settler = new Settler({ ...options, publisher: this.publisher });
    this.settlements = new SettlementWatch(
      (ids) => options.store.getMany(ids),
      options.cancelCheckMs ?? CANCEL_CHECK_MS,
    );
  }

  async process(message: JobMessage, signal?: AbortSignal): Promise<ProcessOutcome> {
    const { store, answerer } = this.options;
    const logger = this.options.logger.child({ jobId: message.jobId });
    const now = this.now();
    const claim = await store.claim(
      message.jobId,
      now,
      new Date(now.getTime() + this.options.leaseSeconds * 1000),
    );
    switch (claim.outcome) {
      case 'missing':
        // Expired by TTL or never stored: nothing to do, and retrying will not change that.
        logger.warn({}, 'job not found; message dropped');
        return 'missing';
      case 'settled':
        logger.info({ status: claim.job.status }, 'duplicate delivery of a settled job; ignored');
        return 'duplicate';
      case 'busy':
        throw new JobBusyError(message.jobId);
      case 'overdue': {
        const stored = await this.settler.settle(
          claim.job.id,
          failure('deadline_exceeded', 'The job was not started before its deadline'),
          { from: PENDING_STATUSES, beforeDeadline: false },
        );
        logger.warn({ settled: Boolean(stored) }, 'job deadline exceeded before it started');
        return 'overdue';
      }
      case 'claimed':
        break;
    }

    const job = claim.job;
    logger.debug({ delivery: job.deliveries }, 'job started');
    const started = await this.publisher.status(job);
    if (job.deliveries > 1) {
      // An earlier delivery may have streamed part of an answer before its worker died.
      await this.publisher.publish(job.id, { type: 'reset', reason: RESET_REASONS.redelivered });
    }
    const cancel = new AbortController();
    const watching = new AbortController();
    void this.watchForCancel(
      job.id,
      started ?? this.options.channel.origin,
      cancel,
      watching.signal,
    );
    const unwatch = this.settlements.watch(job.id, () => cancel.abort(CANCELLED));
    const deltas = new DeltaPacer(this.publisher, job.id);
    let outcome;
    try {
      outcome = await answerer.answer(
        await turnRequest(store, job, this.options.contextMaxTokens),
        job.requestedProvider,
        {
          signal: signal ? AbortSignal.any([signal, cancel.signal]) : cancel.signal,
          logger,
          // Methods, not arrow properties: tsx (keepNames) would name two new functions per job.
          onDelta(text) {
            deltas.write(text);
          },
          onRestart(reason) {
            deltas.restart(reason);
          },
        },
      );
    } finally {
      watching.abort(CALL_ENDED);
      unwatch();
    }
    if (cancel.signal.aborted) {
      // The API settled the job as cancelled and announced it: nothing more is written.
      deltas.discard();
      logger.info({ attempts: outcome.attempts }, 'job cancelled; provider call stopped');
      return 'cancelled';
    }
    await deltas.flush();
    const settlement: Settlement = outcome.ok
      ? {
          status: 'completed',
          answer: outcome.answer.text,
          provider: outcome.answer.provider,
          model: outcome.answer.model,
          usage: outcome.answer.usage,
          attempts: outcome.attempts,
        }
      : {
          status: 'failed',
          error: { code: outcome.error.code, message: outcome.error.message },
          attempts: outcome.attempts,
          ...(outcome.provider && { provider: outcome.provider }),
          ...(outcome.model && { model: outcome.model }),
        };
    const stored = await this.settler.settle(job.id, settlement, {
      from: ['running'],
      beforeDeadline: true,
    });
    if (!stored) {
      logger.warn({}, 'outcome arrived after the job was settled or overdue; discarded');
      return 'late';
    }
    logger.info(
      {
        status: stored.status,
        provider: stored.provider,
        attempts: stored.attempts,
        code: stored.error?.code,
      },
      'job settled',
    );
    return stored.status === 'completed' ? 'completed' : 'failed';
  }

  /**
   * Aborts `cancel` once the job is settled by someone else (a client's cancel), as the `done`
   * event on the channel says; while the channel is down, by checking the store now and then.
   */
  private async watchForCancel(
    jobId: string,
    after: string,
    cancel: AbortController,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      for await (const event of this.options.channel.follow(jobId, after, signal)) {
        if (event.type === 'done') {
          cancel.abort(CANCELLED);
          return;
        }
      }
      return;
    } catch {
      // The channel failed: fall through to the store.
    }
    try {
      while (!signal.aborted) {
        await sleep(this.options.cancelPollMs ?? 2000, undefined, { signal });
        const job = await this.options.store.get(jobId);
        if (!job || isSettled(job.status)) {
          cancel.abort(CANCELLED);
          return;
        }
      }
    } catch {
      // Stopped (the call ended) or the store failed: the settle's condition still guards the job.
    }
  }

  /** Called for a message that could not be processed after every delivery (the dead-letter path). */
  async deadLetter(message: JobMessage): Promise<void> {
    const logger = this.options.logger.child({ jobId: message.jobId });
    const stored = await this.settler.settle(
      message.jobId,
      failure('dead_lettered', 'The job could not be processed after repeated attempts'),
      { from: PENDING_STATUSES, beforeDeadline: false },
    );
    logger.error({ settled: Boolean(stored) }, 'job dead-lettered');
  }
}
