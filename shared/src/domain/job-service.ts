import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderNotConfiguredError, QueueUnavailableError } from './errors.js';
import { EventPublisher, settleAndAnnounce } from './job-events.js';
import {
  isSettled,
  PENDING_STATUSES,
  type AskRequest,
  type JobRecord,
  type JobStatus,
  type ProviderName,
  type Settlement,
} from './job.js';
import { cancellation, failure, isOverdue } from './transitions.js';
import type { IdempotencyKey, JobEvents, JobQueue, JobStore, Logger } from './ports.js';

export interface JobServiceOptions {
  store: JobStore;
  queue: JobQueue;
  events: JobEvents;
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
  /** The providers the workers can use: a request naming another is refused before it is stored. */
  providers: readonly ProviderName[];
  now?: () => Date;
}

const NEVER = new Promise<never>(() => {});

/** The API side of a job's life: create and enqueue it, read it, wait for its outcome. */
export class JobService {
  private readonly now: () => Date;
  private readonly publisher: EventPublisher;

  constructor(private readonly options: JobServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.publisher = new EventPublisher(options.events, options.logger);
  }

  /** The event channel jobs are announced on (the events route reads it). */
  get events(): JobEvents {
    return this.options.events;
  }

  /**
   * Creates and enqueues a job, or returns the earlier job for an Idempotency-Key this caller
   * already used with the same request.
   */
  async submit(
    request: AskRequest,
    idempotencyKey?: IdempotencyKey,
  ): Promise<{ job: JobRecord; created: boolean }> {
    if (request.provider && !this.options.providers.includes(request.provider)) {
      throw new ProviderNotConfiguredError(request.provider, this.options.providers);
    }
    const now = this.now();
    const record = newJobRecord(request, now, this.options);
    const idempotency = idempotencyKey
      ? { ...idempotencyKey, fingerprint: fingerprint(request) }
      : undefined;
    const { job, created } = await this.options.store.create(record, idempotency);
    if (!created) return { job: await this.refresh(job), created };
    this.options.logger.debug({ jobId: job.id }, 'job created');
    try {
      await this.options.queue.send({ jobId: job.id });
    } catch (error) {
      // The job must not sit `queued` with no message behind it: end it now, visibly.
      await this.settle(job.id, failure('queue_unavailable', 'The job could not be queued'), [
        'queued',
      ]);
      throw new QueueUnavailableError(error);
    }
    return { job, created };
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

  private async waitForDone(id: string, waitMs: number): Promise<void> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), waitMs);
    const startedAt = performance.now();
    let heard = false;
    const done = this.followUntilDone(id, stop.signal, () => {
      heard = true;
    });
    const mustPoll = Promise.race([
      done.then(
        () => false,
        () => true,
      ),
      sleep(this.options.channelGraceMs ?? 2000, undefined, { signal: stop.signal }).then(
        () => !heard,
        () => false,
      ),
    ]);
    const polled = mustPoll.then((poll) =>
      poll && !stop.signal.aborted
        ? this.options.store.waitUntilSettled(id, waitMs - (performance.now() - startedAt))
        : NEVER,
    );
    try {
      await Promise.race([done.catch(() => polled), polled]);
    } finally {
      clearTimeout(timer);
      stop.abort();
    }
  }

  private async followUntilDone(id: string, signal: AbortSignal, onEvent: () => void) {
    const { events } = this.options;
    for await (const event of events.follow(id, events.origin, signal)) {
      onEvent();
      if (event.type === 'done') return;
    }
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

function newJobRecord(
  request: AskRequest,
  now: Date,
  options: Pick<JobServiceOptions, 'deadlineSeconds' | 'ttlDays'>,
): JobRecord {
  const at = now.toISOString();
  return {
    id: randomUUID(),
    status: 'queued',
    question: request.question,
    subject: request.subject ?? null,
    level: request.level ?? null,
    language: request.language ?? null,
    answer: null,
    provider: request.provider ?? null,
    model: request.model ?? null,
    usage: null,
    attempts: 0,
    error: null,
    createdAt: at,
    updatedAt: at,
    completedAt: null,
    requestedProvider: request.provider ?? null,
    requestedModel: request.model ?? null,
    deadlineAt: new Date(now.getTime() + options.deadlineSeconds * 1000).toISOString(),
    leaseUntil: null,
    expiresAt: Math.floor(now.getTime() / 1000) + options.ttlDays * 24 * 60 * 60,
    deliveries: 0,
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
