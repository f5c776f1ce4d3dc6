import type { CachedAnswers } from './cached-answers.js';
import type { ConversationRecord } from './conversation.js';
import { checkBudget, checkChoices, type ContextBudget, type Submitted } from './asks.js';
import {
  ConversationNotFoundError,
  IdempotencyConflictError,
  QueueUnavailableError,
  TurnInProgressError,
} from './errors.js';
import {
  isSettled,
  PENDING_STATUSES,
  type AskRequest,
  type FeedbackRequest,
  type JobRecord,
  type ProviderName,
} from './job.js';
import { fingerprint, newTurn, type JobLimits } from './new-turn.js';
import { owns } from './ownership.js';
import type { Principal } from './principal.js';
import type { Quotas } from './quotas.js';
import type { Settler } from './settler.js';
import { JOB_ID, JOB_MODE, tagActiveSpan } from './tracing.js';
import type { SettlementWatch } from './settlement-watch.js';
import { cancellation, failure } from './transitions.js';
import type {
  FeedbackResult,
  EventChannel,
  IdempotencyClaim,
  JobQueue,
  JobStore,
  Logger,
} from './ports.js';

export type { ContextBudget, Submitted } from './asks.js';

export interface JobServiceOptions extends JobLimits {
  store: JobStore;
  queue: JobQueue;
  channel: EventChannel;
  logger: Logger;
  /** Settles and announces jobs (shared with the worker in this process, if any). */
  settler: Settler;
  /** Waits for jobs to settle (one per process: its store reads are batched for all waiters). */
  settlements: SettlementWatch;
  /** Without one, questions are not measured (the provider refuses what does not fit). */
  contextBudget?: ContextBudget;
  /** The providers the workers can use: a request naming another is refused before it is stored. */
  providers: readonly ProviderName[];
  /** The answer cache (ANSWER_CACHE=on): first questions answered from kept answers. */
  answers?: CachedAnswers;
  /** The models a request may name (LLM_MODELS): a request naming another is refused. */
  models: readonly string[];
  /** Per-principal quotas (issue 20): an ask is counted, or refused, before its job exists. */
  quotas?: Quotas;
  now?: () => Date;
}

/**
 * The API side of a job's life: create and enqueue it, read it, wait for its outcome. Every
 * read and change is on behalf of a principal and answers for their own jobs and conversations
 * only (ownership.ts): another's is, to them, one that does not exist.
 */
export class JobService {
  private readonly now: () => Date;
  private readonly settler: Settler;

  constructor(private readonly options: JobServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.settler = options.settler;
  }

  /** The watch every waiter on a job's end goes through (event streams too). */
  get settlements(): SettlementWatch {
    return this.options.settlements;
  }

  /** The event channel jobs are announced on (the events route reads it). */
  get channel(): EventChannel {
    return this.options.channel;
  }

  /** The providers an ask may name; others are refused (ProviderNotConfiguredError). */
  get providers(): readonly ProviderName[] {
    return this.options.providers;
  }

  /** The models an ask may name; others are refused (ModelNotAllowedError). */
  get models(): readonly string[] {
    return this.options.models;
  }

  /** Per-principal quotas, when counted. */
  get quotas(): Quotas | undefined {
    return this.options.quotas;
  }

  /**
   * Creates and enqueues a job of `principal`'s as the next turn of their conversation (a new one
   * without `conversationId`), or returns the earlier job for an Idempotency-Key they already
   * used with the same request (keys are each principal's own). Throws ConversationNotFoundError
   * (someone else's too), TurnInProgressError, QuestionTooLongError and LimitReachedError.
   */
  async submit(
    request: AskRequest,
    principal: Principal,
    idempotencyKey?: string,
    /** `refresh`: the ask said `Cache-Control: no-cache` (skip the cache, replace its entry). */
    { refresh = false }: { refresh?: boolean } = {},
  ): Promise<Submitted> {
    checkChoices(request, this.options.providers, this.options.models);
    const idempotency =
      idempotencyKey === undefined
        ? undefined
        : { scope: principal.id, key: idempotencyKey, fingerprint: fingerprint(request) };
    // A replayed turn is answered before the one-turn-at-a-time rule: it is that very turn.
    const replayed = idempotency && (await this.options.store.findByIdempotencyKey(idempotency));
    if (replayed) {
      return { job: await this.replay(replayed, principal), created: false, cache: 'replay' };
    }
    const conversation = request.conversationId
      ? await this.openConversation(request.conversationId, principal)
      : undefined;
    const turn = newTurn(request, conversation, this.now(), this.options, principal.id);
    checkBudget(this.options.contextBudget, request, turn.job);
    const { quotas } = this.options;
    if (!quotas) return this.start(turn, principal, idempotency, refresh);
    // Counted (or refused) before the job exists, atomically across api processes; awaited only
    // when the counter answers later (Redis), not in embedded mode.
    const admitted = quotas.admit(principal, turn.job.id, turn.job.deadlineAt);
    const quota = admitted instanceof Promise ? await admitted : admitted;
    try {
      const started = await this.start(turn, principal, idempotency, refresh);
      if (!started.created) await quotas.release(principal, turn.job.id);
      return quota ? { ...started, quota } : started;
    } catch (error) {
      // No job came of it (or it could not be queued): the question is not counted.
      await quotas.release(principal, turn.job.id);
      throw error;
    }
  }

  /** Stores the new turn (beside the cache's lookup), then answers it from the cache or queues it. */
  private async start(
    turn: ReturnType<typeof newTurn>,
    principal: Principal,
    idempotency: IdempotencyClaim | undefined,
    refresh: boolean,
  ): Promise<Submitted> {
    const { answers, store } = this.options;
    // The cache's lookup runs beside the store's write: a miss costs no time of its own.
    const ask = answers?.prepare(turn.job, refresh);
    const [result, found] = await Promise.all([
      store.startTurn(ask?.job ?? turn.job, turn.write, idempotency),
      ask?.found ?? { outcome: 'off' as const },
    ]);
    switch (result.outcome) {
      case 'replayed':
        return { job: await this.replay(result.job, principal), created: false, cache: 'replay' };
      case 'missing':
        throw new ConversationNotFoundError(turn.job.conversationId);
      case 'taken':
        // Another ask became the next turn between our read and our write.
        throw new TurnInProgressError(
          turn.job.conversationId,
          result.conversation.jobIds.at(-1) ?? turn.job.id,
        );
      case 'created':
        break;
    }
    const { job } = result;
    // The ask's request span says which job it made (the worker's spans hang under it).
    tagActiveSpan({ [JOB_ID]: job.id, [JOB_MODE]: job.mode });
    this.options.logger.debug(
      { jobId: job.id, conversationId: job.conversationId, turn: job.turn },
      'job created',
    );
    const hit = await answers?.answer(job, found);
    if (hit) return { job: hit, created: true, cache: 'hit' };
    try {
      await this.options.queue.send({ jobId: job.id });
    } catch (error) {
      // The job must not sit `queued` with no message behind it: end it now, visibly.
      await this.settler.settle(
        job.id,
        failure('queue_unavailable', 'The job could not be queued'),
        { from: ['queued'], beforeDeadline: false },
      );
      throw new QueueUnavailableError(error);
    }
    // A hit that could not be settled went to the model: a miss.
    return { job, created: true, cache: found.outcome === 'hit' ? 'miss' : found.outcome };
  }

  /**
   * Evicts the kept answer a conversation's first turn came from or went into (the only turn the
   * cache serves): called before the conversation is erased, so that nothing of it is served again.
   */
  async forgetCachedAnswer(conversation: ConversationRecord): Promise<void> {
    const { answers } = this.options;
    const firstId = conversation.jobIds[0];
    if (!answers || !firstId) return;
    const first = await this.options.store.get(firstId);
    if (first) await answers.forget(first);
  }

  /** Forgets deleted jobs' events (the channel is not the source of truth: on failure they expire). */
  async forgetEvents(jobIds: readonly string[]): Promise<void> {
    await Promise.all(
      jobIds.map((jobId) =>
        this.options.channel.forget(jobId).catch((error: unknown) => {
          this.options.logger.warn({ jobId, err: error }, 'events of a deleted job not forgotten');
        }),
      ),
    );
  }

  /** Rates one of the principal's completed jobs (again: the new rating replaces the old one). */
  async giveFeedback(
    id: string,
    principal: Principal,
    request: FeedbackRequest,
  ): Promise<FeedbackResult> {
    const job = await this.options.store.get(id);
    if (!job || !owns(principal, job)) return { outcome: 'missing' };
    const now = this.now();
    const result = await this.options.store.setFeedback(
      id,
      { rating: request.rating, comment: request.comment || null, givenAt: now.toISOString() },
      now,
    );
    if (result.outcome === 'given') {
      this.options.logger.info({ jobId: id, rating: request.rating }, 'feedback given');
      // A down-rated answer is no longer served to anyone.
      if (request.rating === 'down') await this.options.answers?.forget(result.job);
    }
    return result;
  }

  private async openConversation(id: string, principal: Principal): Promise<ConversationRecord> {
    const conversation = await this.options.store.getConversation(id);
    if (!conversation || !owns(principal, conversation)) throw new ConversationNotFoundError(id);
    const latest = conversation.jobIds.at(-1);
    const pending = latest && (await this.get(latest, principal));
    if (pending && !isSettled(pending.status)) throw new TurnInProgressError(id, pending.id);
    return conversation;
  }

  /** These jobs in order, missing ones left out, each overdue pending one settled as failed. */
  async getMany(ids: readonly string[]): Promise<JobRecord[]> {
    return this.settler.currentMany(ids);
  }

  /**
   * One of the principal's jobs (undefined when they have no such job), with an overdue pending
   * job settled as failed / deadline_exceeded.
   */
  async get(id: string, principal: Principal): Promise<JobRecord | undefined> {
    const job = await this.options.store.get(id);
    return job && owns(principal, job) ? this.settler.current(job) : undefined;
  }

  /**
   * Cancels one of the principal's pending jobs (its worker sees the `done` event and stops the
   * provider call). A settled job is returned as it is; undefined when they have no such job.
   */
  async cancel(id: string, principal: Principal): Promise<JobRecord | undefined> {
    const job = await this.get(id, principal);
    if (!job || isSettled(job.status)) return job;
    const cancelled = await this.settler.settle(id, cancellation(), {
      from: PENDING_STATUSES,
      beforeDeadline: false,
    });
    if (cancelled) this.options.logger.info({ jobId: id }, 'job cancelled');
    // Lost a race with its settlement: report what won.
    return cancelled ?? (await this.options.store.get(id));
  }

  /**
   * Waits at most `waitMs` for the job to settle and returns its latest state: woken by the
   * settlement watch (the job's `done`, or the store), then the store is read once to confirm.
   */
  async waitUntilSettled(id: string, waitMs: number): Promise<JobRecord | undefined> {
    if (waitMs > 0) await this.options.settlements.until(id, waitMs);
    const job = await this.options.store.get(id);
    return job && this.settler.current(job);
  }

  /**
   * A job an Idempotency-Key replays: the principal's own key names it, but it may have been
   * handed to an account since (a claimed guest session); then it is no longer theirs to see.
   */
  private async replay(job: JobRecord, principal: Principal): Promise<JobRecord> {
    if (!owns(principal, job)) throw new IdempotencyConflictError('');
    return this.settler.current(job);
  }
}
