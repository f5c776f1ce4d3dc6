import { JobBusyError } from './errors.js';
import { PENDING_STATUSES, type JobMessage, type JobRecord, type Settlement } from './job.js';
import { failure } from './transitions.js';
import type { Answerer, JobStore, Logger } from './ports.js';

export interface JobProcessorOptions {
  store: JobStore;
  answerer: Answerer;
  logger: Logger;
  /**
   * How long a worker owns a job it took. Longer than the slowest provider round (retries
   * included), so a live worker is never overtaken; a crashed worker's job is taken over after it.
   */
  leaseSeconds: number;
  now?: () => Date;
}

export type ProcessOutcome = 'completed' | 'failed' | 'duplicate' | 'missing' | 'overdue' | 'late';

/**
 * The worker side of a job's life. Safe under at-least-once delivery: the conditional claim lets
 * one delivery at a time call a provider, and a settled job is never written again.
 * Resolving means the message may be deleted; throwing means it must be delivered again.
 */
export class JobProcessor {
  private readonly now: () => Date;

  constructor(private readonly options: JobProcessorOptions) {
    this.now = options.now ?? (() => new Date());
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
      case 'overdue':
        await this.settle(
          claim.job,
          failure('deadline_exceeded', 'The job was not started before its deadline'),
          logger,
        );
        return 'overdue';
      case 'claimed':
        break;
    }

    const job = claim.job;
    logger.debug({ delivery: job.deliveries }, 'job started');
    const outcome = await answerer.answer(
      {
        question: job.question,
        subject: job.subject,
        level: job.level,
        language: job.language,
        model: job.requestedModel,
      },
      job.requestedProvider,
      { signal, logger },
    );
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
    const stored = await store.settle(job.id, settlement, this.now(), {
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

  /** Called for a message that could not be processed after every delivery (the dead-letter path). */
  async deadLetter(message: JobMessage): Promise<void> {
    const logger = this.options.logger.child({ jobId: message.jobId });
    const stored = await this.options.store.settle(
      message.jobId,
      failure('dead_lettered', 'The job could not be processed after repeated attempts'),
      this.now(),
      { from: PENDING_STATUSES, beforeDeadline: false },
    );
    logger.error({ settled: Boolean(stored) }, 'job dead-lettered');
  }

  private async settle(job: JobRecord, settlement: Settlement, logger: Logger): Promise<void> {
    const stored = await this.options.store.settle(job.id, settlement, this.now(), {
      from: PENDING_STATUSES,
      beforeDeadline: false,
    });
    logger.warn({ settled: Boolean(stored) }, 'job deadline exceeded before it started');
  }
}
