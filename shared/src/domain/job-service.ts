import { createHash, randomUUID } from 'node:crypto';
import { ProviderNotConfiguredError, QueueUnavailableError } from './errors.js';
import {
  isSettled,
  PENDING_STATUSES,
  type AskRequest,
  type JobRecord,
  type ProviderName,
} from './job.js';
import { failure, isOverdue } from './transitions.js';
import type { IdempotencyKey, JobQueue, JobStore, Logger } from './ports.js';

export interface JobServiceOptions {
  store: JobStore;
  queue: JobQueue;
  logger: Logger;
  /** A pending job older than this reads failed / deadline_exceeded. */
  deadlineSeconds: number;
  /** How long the store keeps a job. */
  ttlDays: number;
  /** The providers the workers can use: a request naming another is refused before it is stored. */
  providers: readonly ProviderName[];
  now?: () => Date;
}

/** The API side of a job's life: create and enqueue it, read it, wait for its outcome. */
export class JobService {
  private readonly now: () => Date;

  constructor(private readonly options: JobServiceOptions) {
    this.now = options.now ?? (() => new Date());
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
      await this.options.store.settle(
        job.id,
        failure('queue_unavailable', 'The job could not be queued'),
        this.now(),
        { from: ['queued'], beforeDeadline: false },
      );
      throw new QueueUnavailableError(error);
    }
    return { job, created };
  }

  /** The job, with an overdue pending job settled as failed / deadline_exceeded. */
  async get(id: string): Promise<JobRecord | undefined> {
    const job = await this.options.store.get(id);
    return job && this.refresh(job);
  }

  /** Waits at most `waitMs` for the job to settle and returns its latest state. */
  async waitForOutcome(id: string, waitMs: number): Promise<JobRecord | undefined> {
    const job = waitMs > 0 ? await this.options.store.waitUntilSettled(id, waitMs) : undefined;
    return job && isSettled(job.status) ? job : this.get(id);
  }

  private async refresh(job: JobRecord): Promise<JobRecord> {
    if (isSettled(job.status) || !isOverdue(job, this.now())) return job;
    const expired = await this.options.store.settle(
      job.id,
      failure('deadline_exceeded', `No answer within ${this.options.deadlineSeconds} s`),
      this.now(),
      { from: PENDING_STATUSES, beforeDeadline: false },
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
