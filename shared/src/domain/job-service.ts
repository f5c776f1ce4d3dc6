import { createHash, randomUUID } from 'node:crypto';
import type { ConversationRecord, ConversationSettings } from './conversation.js';
import {
  ConversationNotFoundError,
  ProviderNotConfiguredError,
  QueueUnavailableError,
  QuestionTooLongError,
  TurnInProgressError,
} from './errors.js';
import { EventPublisher, settleAndAnnounce } from './event-publisher.js';
import {
  DEFAULT_MODE,
  isSettled,
  PENDING_STATUSES,
  type AskRequest,
  type FeedbackRequest,
  type JobRecord,
  type JobStatus,
  type ProviderName,
  type Settlement,
} from './job.js';
import { cancellation, failure, isOverdue } from './transitions.js';
import type {
  AnswerRequest,
  FeedbackResult,
  IdempotencyKey,
  EventChannel,
  JobQueue,
  JobStore,
  Logger,
} from './ports.js';

/** How big a prompt may be (CONTEXT_MAX_TOKENS), and how a request's smallest prompt is counted. */
export interface ContextBudget {
  maxTokens: number;
  /**
   * Tokens of the system prompt and the question alone (providers/prompt.ts) when they exceed
   * maxTokens; undefined when they fit (which is often known without counting every token).
   */
  tokensOver(request: AnswerRequest): number | undefined;
}

export interface JobServiceOptions {
  store: JobStore;
  queue: JobQueue;
  channel: EventChannel;
  logger: Logger;
  /** A pending job older than this reads failed / deadline_exceeded. */
  deadlineSeconds: number;
  /** How long the store keeps a job. */
  ttlDays: number;
  /**
   * A sync wait relies on the job's `done` event; when the channel fails, or says nothing about
   * the job for this long, the wait polls the store as well.
   */
  channelGraceMs?: number;
  /** Without one, questions are not measured (the provider refuses what does not fit). */
  contextBudget?: ContextBudget;
  /** The providers the workers can use: a request naming another is refused before it is stored. */
  providers: readonly ProviderName[];
  now?: () => Date;
}

/** The reason a finished wait stops its follow with (a given reason spares a DOMException). */
const WAIT_OVER = Symbol('wait over');

/** The API side of a job's life: create and enqueue it, read it, wait for its outcome. */
export class JobService {
  private readonly now: () => Date;
  private readonly publisher: EventPublisher;

  constructor(private readonly options: JobServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.publisher = new EventPublisher(options.channel, options.logger);
  }

  /** The event channel jobs are announced on (the events route reads it). */
  get channel(): EventChannel {
    return this.options.channel;
  }

  /** The providers an ask may name; others are refused (ProviderNotConfiguredError). */
  get providers(): readonly ProviderName[] {
    return this.options.providers;
  }

  /**
   * Creates and enqueues a job as the next turn of its conversation (a new one without
   * `conversationId`), or returns the earlier job for a Idempotency-Key this caller already used with the same request. Throws
   * ConversationNotFoundError, TurnInProgressError (the latest turn is pending, or another ask
   * became the next turn first) and QuestionTooLongError.
   */
  async submit(
    request: AskRequest,
    idempotencyKey?: IdempotencyKey,
  ): Promise<{ job: JobRecord; created: boolean }> {
    if (request.provider && !this.options.providers.includes(request.provider)) {
      throw new ProviderNotConfiguredError(request.provider, this.options.providers);
    }
    const { store } = this.options;
    const idempotency = idempotencyKey
      ? { ...idempotencyKey, fingerprint: fingerprint(request) }
      : undefined;
    // A replayed turn is answered before the one-turn-at-a-time rule: it is that very turn.
    const replayed = idempotency && (await store.findByIdempotencyKey(idempotency));
    if (replayed) return { job: await this.refresh(replayed), created: false };
    const conversation = request.conversationId
      ? await this.openConversation(request.conversationId)
      : undefined;
    const settings = inherit(conversation, request);
    this.checkBudget(request, settings);
    const now = this.now();
    const record = newJobRecord(request, settings, conversation, now, this.options);
    const result = await store.startTurn(
      record,
      {
        conversation: nextConversation(conversation, record, now),
        expectedLastTurn: conversation?.lastTurn ?? 0,
      },
      idempotency,
    );
    switch (result.outcome) {
      case 'replayed':
        return { job: await this.refresh(result.job), created: false };
      case 'missing':
        throw new ConversationNotFoundError(record.conversationId);
      case 'taken':
        // Another ask became the next turn between our read and our write.
        throw new TurnInProgressError(
          record.conversationId,
          result.conversation.jobIds.at(-1) ?? record.id,
        );
      case 'created':
        break;
    }
    const { job } = result;
    this.options.logger.debug(
      { jobId: job.id, conversationId: job.conversationId, turn: job.turn },
      'job created',
    );
    try {
      await this.options.queue.send({ jobId: job.id });
    } catch (error) {
      // The job must not sit `queued` with no message behind it: end it now, visibly.
      await this.settle(job.id, failure('queue_unavailable', 'The job could not be queued'), [
        'queued',
      ]);
      throw new QueueUnavailableError(error);
    }
    return { job, created: true };
  }

  /** A conversation and its turns in order; undefined when there is no such conversation. */
  async getConversation(
    id: string,
  ): Promise<{ conversation: ConversationRecord; turns: JobRecord[] } | undefined> {
    const conversation = await this.options.store.getConversation(id);
    if (!conversation) return undefined;
    return { conversation, turns: await this.getMany(conversation.jobIds) };
  }

  /**
   * Erases a conversation: its pending turn is cancelled first (its worker stops the provider
   * call), then the conversation and every job of it are deleted and their events forgotten.
   * False when there is no such conversation.
   */
  async deleteConversation(id: string): Promise<boolean> {
    const conversation = await this.options.store.getConversation(id);
    if (!conversation) return false;
    const latest = conversation.jobIds.at(-1);
    if (latest) await this.cancel(latest);
    const deleted = await this.options.store.deleteConversation(id);
    if (!deleted) return false;
    await Promise.all(
      deleted.jobIds.map((jobId) =>
        this.options.channel.forget(jobId).catch((error: unknown) => {
          // The channel is not the source of truth: its copy expires on its own.
          this.options.logger.warn({ jobId, err: error }, 'events of a deleted job not forgotten');
        }),
      ),
    );
    this.options.logger.info(
      { conversationId: id, turns: deleted.jobIds.length },
      'conversation deleted',
    );
    return true;
  }

  /** Rates a completed job's answer (again: the new rating replaces the old one). */
  async giveFeedback(id: string, request: FeedbackRequest): Promise<FeedbackResult> {
    const now = this.now();
    const result = await this.options.store.setFeedback(
      id,
      { rating: request.rating, comment: request.comment || null, givenAt: now.toISOString() },
      now,
    );
    if (result.outcome === 'given') {
      this.options.logger.info({ jobId: id, rating: request.rating }, 'feedback given');
    }
    return result;
  }

  private async openConversation(id: string): Promise<ConversationRecord> {
    const conversation = await this.options.store.getConversation(id);
    if (!conversation) throw new ConversationNotFoundError(id);
    const latest = conversation.jobIds.at(-1);
    const pending = latest && (await this.get(latest));
    if (pending && !isSettled(pending.status)) throw new TurnInProgressError(id, pending.id);
    return conversation;
  }

  private checkBudget(request: AskRequest, settings: ConversationSettings): void {
    const budget = this.options.contextBudget;
    if (!budget) return;
    const tokens = budget.tokensOver({
      question: request.question,
      ...settings,
      model: request.model ?? null,
    });
    if (tokens !== undefined) throw new QuestionTooLongError(tokens, budget.maxTokens);
  }

  /** These jobs in order, missing ones left out, each overdue pending one settled as failed. */
  async getMany(ids: readonly string[]): Promise<JobRecord[]> {
    const jobs = await this.options.store.getMany(ids);
    return Promise.all(jobs.map((job) => this.refresh(job)));
  }

  /** The job, with an overdue pending job settled as failed / deadline_exceeded. */
  async get(id: string): Promise<JobRecord | undefined> {
    const job = await this.options.store.get(id);
    return job && this.refresh(job);
  }

  /**
   * Cancels a pending job (its worker sees the `done` event and stops the provider call). A
   * settled job is returned as it is; undefined when there is no such job.
   */
  async cancel(id: string): Promise<JobRecord | undefined> {
    const job = await this.get(id);
    if (!job || isSettled(job.status)) return job;
    const cancelled = await this.settle(id, cancellation(), PENDING_STATUSES);
    if (cancelled) this.options.logger.info({ jobId: id }, 'job cancelled');
    // Lost a race with its settlement: report what won.
    return cancelled ?? (await this.options.store.get(id));
  }

  /**
   * Waits at most `waitMs` for the job to settle and returns its latest state: woken by the job's
   * `done` event, then the store is read once to confirm.
   */
  async waitForOutcome(id: string, waitMs: number): Promise<JobRecord | undefined> {
    if (waitMs > 0) await this.waitForDone(id, waitMs);
    return this.get(id);
  }

  private waitForDone(id: string, waitMs: number): Promise<void> {
    const { channel, store, channelGraceMs = 2000 } = this.options;
    return new DoneWait(channel, store, id, waitMs, channelGraceMs).over;
  }

  private settle(
    id: string,
    settlement: Settlement,
    from: readonly JobStatus[],
  ): Promise<JobRecord | undefined> {
    return settleAndAnnounce(this.options.store, this.publisher, id, settlement, this.now(), {
      from,
      beforeDeadline: false,
    });
  }

  private async refresh(job: JobRecord): Promise<JobRecord> {
    if (isSettled(job.status) || !isOverdue(job, this.now())) return job;
    const expired = await this.settle(
      job.id,
      failure('deadline_exceeded', `No answer within ${this.options.deadlineSeconds} s`),
      PENDING_STATUSES,
    );
    if (expired) {
      this.options.logger.warn({ jobId: job.id }, 'job deadline exceeded');
      return expired;
    }
    // Someone settled it in between: read what they wrote.
    return (await this.options.store.get(job.id)) ?? job;
  }
}

/**
 * A sync ask's wait for its job's `done` event, `waitMs` at most. When the channel fails, or says
 * nothing about the job for `graceMs`, the store is watched as well. Callbacks and one timer
 * rather than a race of promises and two timers: this runs once per sync ask.
 */
class DoneWait {
  readonly over: Promise<void>;
  private readonly stop = new AbortController();
  private readonly startedAt = performance.now();
  private timer: NodeJS.Timeout;
  private heard = false;
  private polling = false;
  private ended = false;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;

  constructor(
    private readonly channel: EventChannel,
    private readonly store: JobStore,
    private readonly id: string,
    private readonly waitMs: number,
    private readonly graceMs: number,
  ) {
    this.over = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setTimeout(() => this.graceOver(), Math.min(graceMs, waitMs));
    this.follow().then(
      // The follow has let go of the channel: no abort (and no abort event) is needed.
      () => this.end(false),
      () => this.poll(),
    );
  }

  private async follow(): Promise<void> {
    for await (const event of this.channel.follow(this.id, this.channel.origin, this.stop.signal)) {
      this.heard = true;
      if (event.type === 'done') return;
    }
  }

  private graceOver(): void {
    if (this.waitMs <= this.graceMs) return this.end(true);
    if (!this.heard) this.poll();
    this.timer = setTimeout(() => this.end(true), this.waitMs - this.elapsedMs());
  }

  private poll(): void {
    if (this.ended || this.polling) return;
    this.polling = true;
    this.store.waitUntilSettled(this.id, this.waitMs - this.elapsedMs()).then(
      () => this.end(true),
      (error: unknown) => this.end(true, error),
    );
  }

  private elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  private end(stopFollowing: boolean, error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    if (stopFollowing) this.stop.abort(WAIT_OVER);
    if (error === undefined) this.resolve();
    else this.reject(error);
  }
}

/** What an ask sets becomes the setting; what it leaves out comes from its conversation. */
function inherit(
  conversation: ConversationRecord | undefined,
  request: AskRequest,
): ConversationSettings {
  return {
    subject: request.subject ?? conversation?.subject ?? null,
    level: request.level ?? conversation?.level ?? null,
    language: request.language ?? conversation?.language ?? null,
    mode: request.mode ?? conversation?.mode ?? DEFAULT_MODE,
  };
}

function newJobRecord(
  request: AskRequest,
  settings: ConversationSettings,
  conversation: ConversationRecord | undefined,
  now: Date,
  options: Pick<JobServiceOptions, 'deadlineSeconds' | 'ttlDays'>,
): JobRecord {
  const at = now.toISOString();
  return {
    id: randomUUID(),
    status: 'queued',
    question: request.question,
    ...settings,
    answer: null,
    provider: request.provider ?? null,
    model: request.model ?? null,
    usage: null,
    attempts: 0,
    error: null,
    createdAt: at,
    updatedAt: at,
    completedAt: null,
    conversationId: conversation?.id ?? randomUUID(),
    turn: (conversation?.lastTurn ?? 0) + 1,
    feedback: null,
    requestedProvider: request.provider ?? null,
    requestedModel: request.model ?? null,
    deadlineAt: new Date(now.getTime() + options.deadlineSeconds * 1000).toISOString(),
    leaseUntil: null,
    expiresAt: Math.floor(now.getTime() / 1000) + options.ttlDays * 24 * 60 * 60,
    deliveries: 0,
  };
}

/** The conversation once `job` is its latest turn: its settings, and its TTL counted from now. */
function nextConversation(
  conversation: ConversationRecord | undefined,
  job: JobRecord,
  now: Date,
): ConversationRecord {
  const at = now.toISOString();
  return {
    id: job.conversationId,
    subject: job.subject,
    level: job.level,
    language: job.language,
    mode: job.mode,
    createdAt: conversation?.createdAt ?? at,
    updatedAt: at,
    lastTurn: job.turn,
    jobIds: [...(conversation?.jobIds ?? []), job.id],
    expiresAt: job.expiresAt,
  };
}

/** A stable hash of the validated request: key order and trimmed whitespace do not matter. */
export function fingerprint(request: AskRequest): string {
  const canonical = JSON.stringify(
    Object.keys(request)
      .sort()
      .map((key) => [key, request[key as keyof AskRequest]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}
