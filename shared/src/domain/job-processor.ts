import { JobBusyError } from './errors.js';
import { RESET_REASONS } from './events.js';
import { DeltaPacer } from './delta-pacer.js';
import type { EventPublisher } from './event-publisher.js';
import type { Span } from '@opentelemetry/api';
import { NO_METRICS, secondsSinceCreated, type Metrics } from './metrics.js';
import { genAiAttributes, inSpan, JOB_ID, JOB_MODE, markFailed } from './tracing.js';
import {
  PENDING_STATUSES,
  type Job,
  type JobMessage,
  type JobRecord,
  type Settlement,
  type StoppedCall,
} from './job.js';
import type { CachedAnswers, ReusedAnswer } from './cached-answers.js';
import type { Settler } from './settler.js';
import type { SettlementWatch } from './settlement-watch.js';
import { LazyChildLogger } from './lazy-logger.js';
import { failure, stoppedCall } from './transitions.js';
import { turnRequest, type HistoryFit } from './turn-request.js';
import type { Answerer, JobStore, Logger } from './ports.js';

export interface JobProcessorOptions {
  store: JobStore;
  answerer: Answerer;
  logger: Logger;
  /** Settles and announces jobs; its publisher announces their status and deltas. */
  settler: Settler;
  /**
   * Stops a provider call once its job is settled by someone else (a client's cancel, a deadline),
   * as the job's `done` or, when that was lost, the store says.
   */
  settlements: SettlementWatch;
  /**
   * How long a worker owns a job it took. Longer than the slowest provider round (retries
   * included), so a live worker is never overtaken; a crashed worker's job is taken over after it.
   */
  leaseSeconds: number;
  /** The most tokens a prompt may take (CONTEXT_MAX_TOKENS): older turns are dropped to fit. */
  contextMaxTokens?: number;
  /** Counts the time to each job's first delta (settled jobs are counted by the settler). */
  metrics?: Metrics;
  /** Which earlier turns fit it: only those (and the first that does not) are read from the store. */
  fitHistory?: HistoryFit;
  /**
   * The answer cache (ANSWER_CACHE=on): a first question kept since it was asked, or asked at
   * the same time by another job, is answered without a call, and completed answers are kept.
   */
  answers?: CachedAnswers;
  now?: () => Date;
}

export type ProcessOutcome =
  'completed' | 'failed' | 'cancelled' | 'duplicate' | 'missing' | 'overdue' | 'late';

/**
 * The worker side of a job's life. Safe under at-least-once delivery: the conditional claim lets
 * one delivery at a time call a provider, and a settled job is never written again.
 * Resolving means the message may be deleted; throwing means it must be delivered again.
 */
export class JobProcessor {
  private readonly now: () => Date;
  private readonly publisher: EventPublisher;
  private readonly settler: Settler;

  constructor(private readonly options: JobProcessorOptions) {
    this.now = options.now ?? (() => new Date());
    this.settler = options.settler;
    this.publisher = options.settler.publisher;
  }

  /** Processes one delivery of a job message, in a span of its own (`process job`). */
  process(message: JobMessage, signal?: AbortSignal): Promise<ProcessOutcome> {
    return inSpan('process job', { attributes: { [JOB_ID]: message.jobId } }, async (span) => {
      const outcome = await this.processInSpan(message, span, signal);
      span.setAttribute('iscoolgpt.job.outcome', outcome);
      return outcome;
    });
  }

  private async processInSpan(
    message: JobMessage,
    span: Span,
    signal?: AbortSignal,
  ): Promise<ProcessOutcome> {
    const { store } = this.options;
    const logger = new LazyChildLogger(this.options.logger, { jobId: message.jobId });
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
    span.setAttribute(JOB_MODE, job.mode);
    // The parent logger, as for `job settled`: a disabled level then costs no child logger.
    this.options.logger.debug({ jobId: job.id, delivery: job.deliveries }, 'job started');
    await this.publisher.status(job);
    if (job.deliveries > 1) {
      // An earlier delivery may have streamed part of an answer before its worker died.
      await this.publisher.publish(job.id, { type: 'reset', reason: RESET_REASONS.redelivered });
    }
    const { answers } = this.options;
    // An identical job in flight is waited for at most as long as a worker may hold a job.
    const plan = await answers?.plan(job, this.options.leaseSeconds * 1000);
    if (plan?.reuse) return this.reuse(job, plan.reuse, logger);
    let stored: JobRecord | undefined;
    try {
      let outcome: ProcessOutcome;
      ({ outcome, stored } = await this.call(job, logger, signal));
      if (stored) describeAnswer(span, stored);
      return outcome;
    } finally {
      await answers?.keep(job, stored, plan?.leading ?? false);
    }
  }

  /** Asks the providers for a claimed job and settles it with their outcome. */
  private async call(
    job: JobRecord,
    logger: Logger,
    signal: AbortSignal | undefined,
  ): Promise<{ outcome: ProcessOutcome; stored?: JobRecord }> {
    const { store, answerer } = this.options;
    // Aborted with the job as someone else settled it.
    const cancel = new AbortController();
    const unwatch = this.options.settlements.watch(job.id, (settled) => cancel.abort(settled));
    const deltas = new DeltaPacer(this.publisher, job.id);
    const { metrics = NO_METRICS } = this.options;
    const clock = this.now;
    let firstDelta = true;
    let outcome;
    try {
      outcome = await answerer.answer(
        await turnRequest(store, job, this.options.contextMaxTokens, this.options.fitHistory),
        job.requestedProvider,
        {
          signal: signal ? AbortSignal.any([signal, cancel.signal]) : cancel.signal,
          logger,
          // Methods, not arrow properties: tsx (keepNames) would name two new functions per job.
          onDelta(text) {
            if (firstDelta) {
              firstDelta = false;
              metrics.firstDelta(secondsSinceCreated(job, clock().getTime()));
            }
            deltas.write(text);
          },
          onRestart(reason) {
            deltas.restart(reason);
          },
        },
      );
    } finally {
      unwatch();
    }
    if (cancel.signal.aborted) {
      // Settled by someone else (and announced): only what the call used is written onto it
      // (a stopped answer still counts), and nothing is announced.
      deltas.discard();
      const { status } = cancel.signal.reason as Job;
      // A cancelled job keeps the text it streamed (`partialAnswer`), so the student still has it
      // after a reload: written with what the call used, in one store write.
      const partialAnswer = status === 'cancelled' ? await deltas.streamedText() : '';
      await this.recordStoppedCall(
        job.id,
        { ...stoppedCall(outcome), ...(partialAnswer && { partialAnswer }) },
        logger,
      );
      logger.info(
        { status, attempts: outcome.attempts },
        'job settled elsewhere; provider call stopped',
      );
      return { outcome: status === 'cancelled' ? 'cancelled' : 'late' };
    }
    await deltas.flush();
    const settlement: Settlement = outcome.ok
      ? {
          status: 'completed',
          answer: outcome.answer.text,
          provider: outcome.answer.provider,
          model: outcome.answer.model,
          // Every call's, failed attempts and fallbacks included (the meter's sum).
          usage: outcome.usage ?? { inputTokens: 0, outputTokens: 0, costUsd: null },
          attempts: outcome.attempts,
        }
      : {
          status: 'failed',
          error: { code: outcome.error.code, message: outcome.error.message },
          attempts: outcome.attempts,
          usage: outcome.usage,
          ...(outcome.provider && { provider: outcome.provider }),
          ...(outcome.model && { model: outcome.model }),
        };
    const stored = await this.settler.settle(job.id, settlement, {
      from: ['running'],
      beforeDeadline: true,
    });
    if (!stored) {
      // Settled by the deadline meanwhile: what the call used still counts.
      await this.recordStoppedCall(job.id, stoppedCall(outcome), logger);
      logger.warn({}, 'outcome arrived after the job was settled or overdue; discarded');
      return { outcome: 'late' };
    }
    this.options.logger.info(
      {
        jobId: job.id,
        status: stored.status,
        provider: stored.provider,
        attempts: stored.attempts,
        code: stored.error?.code,
      },
      'job settled',
    );
    return { outcome: stored.status === 'completed' ? 'completed' : 'failed', stored };
  }

  /** Completes a claimed job from an answer the cache kept or an identical job was given. */
  private async reuse(
    job: JobRecord,
    answer: ReusedAnswer,
    logger: Logger,
  ): Promise<ProcessOutcome> {
    const stored = await this.options.answers!.complete(job, answer, ['running']);
    if (!stored) {
      logger.warn({}, 'reused answer arrived after the job was settled or overdue; discarded');
      return 'late';
    }
    logger.info({ status: stored.status, provider: stored.provider, cached: true }, 'job settled');
    return 'completed';
  }

  /**
   * Writes what a stopped call used (and a cancelled job's partial answer) onto its settled job.
   * Best effort: the job is settled either way, and a redelivered message could not redo it.
   */
  private async recordStoppedCall(id: string, call: StoppedCall, logger: Logger): Promise<void> {
    try {
      await this.settler.recordStoppedCall(id, call);
    } catch (error) {
      logger.warn({ err: error }, 'what a stopped call used could not be written onto its job');
    }
  }

  /** Called for a message that could not be processed after every delivery (the dead-letter path). */
  async deadLetter(message: JobMessage): Promise<void> {
    const logger = new LazyChildLogger(this.options.logger, { jobId: message.jobId });
    const stored = await this.settler.settle(
      message.jobId,
      failure('dead_lettered', 'The job could not be processed after repeated attempts'),
      { from: PENDING_STATUSES, beforeDeadline: false },
    );
    logger.error({ settled: Boolean(stored) }, 'job dead-lettered');
  }
}

/** The answer's GenAI attributes on the job's span (and a failed job's error code). */
function describeAnswer(span: Span, job: JobRecord): void {
  if (job.provider) {
    span.setAttributes(
      genAiAttributes({
        provider: job.provider,
        requestModel: job.requestedModel,
        responseModel: job.model,
        usage: job.usage,
      }),
    );
  }
  if (job.error) markFailed(span, job.error.code);
}
