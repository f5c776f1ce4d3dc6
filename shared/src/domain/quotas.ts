import { LimitReachedError } from './errors.js';
import type { JobRecord } from './job.js';
import type { Logger } from './logging.js';
import { NO_METRICS, type Metrics } from './metrics.js';
import type { Principal } from './principal.js';
import {
  NO_USAGE,
  nextUtcMidnight,
  utcDay,
  type Admission,
  type MaybePromise,
  type QuotaCounter,
  type QuotaLimitName,
  type QuotaLimits,
} from './quota.js';

/** The limits of issue 20 (QUOTA_* settings); 0 means unlimited. */
export interface QuotaSettings {
  questionsPerDay: number;
  guestQuestionsPerDay: number;
  tokensPerDay: number;
  pendingJobs: number;
  openStreams: number;
}

/** What an admitted ask may tell its client (the RateLimit headers): the questions policy. */
export interface QuestionsLeft {
  limit: number;
  remaining: number;
  /** Seconds to the next UTC midnight (at least 1). */
  resetSeconds: number;
}

/** GET /api/v1/me/usage: the principal's UTC day so far (`limit` null: unlimited). */
export interface UsageReport {
  day: string;
  questions: { used: number; limit: number | null };
  tokens: { used: number; limit: number | null };
  costUsd: number;
  resetsAt: string;
}

export interface QuotasOptions {
  counter: QuotaCounter;
  settings: QuotaSettings;
  logger: Logger;
  metrics?: Metrics;
  /** The clock (tests move it past midnight). */
  now?: () => number;
}

const UNLIMITED: QuotaLimits = Object.freeze({
  questionsPerDay: 0,
  tokensPerDay: 0,
  pendingJobs: 0,
});
/** A client refused for pending jobs may try again this soon (a job takes seconds). */
const PENDING_RETRY_SECONDS = 2;

/**
 * Per-principal fair use: an ask is admitted (or refused) before its job exists, a job's end
 * frees its pending slot and adds what it used, and a principal can read their day. Students,
 * teachers and `anonymous` share QUOTA_QUESTIONS_PER_DAY, guests have theirs; apps are governed by
 * their API Gateway usage plan: nothing is checked for them, only their tokens and cost counted.
 * Availability first: when the counter store cannot be reached the ask goes through, one warning
 * per outage, each one counted.
 */
export class Quotas {
  private readonly now: () => number;
  private readonly metrics: Metrics;
  private outage = false;

  constructor(private readonly options: QuotasOptions) {
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ?? NO_METRICS;
  }

  /** The limits; `openStreams` is the api's to enforce (per process, OpenStreams). */
  get settings(): QuotaSettings {
    return this.options.settings;
  }

  /** The principal's limits: guests theirs, apps none. */
  limitsFor(principal: Principal): QuotaLimits {
    if (principal.kind === 'app') return UNLIMITED;
    const { settings } = this.options;
    return {
      questionsPerDay:
        principal.kind === 'guest' ? settings.guestQuestionsPerDay : settings.questionsPerDay,
      tokensPerDay: settings.tokensPerDay,
      pendingJobs: settings.pendingJobs,
    };
  }

  /**
   * Counts an ask of `principal`'s that will make the job `jobId` (pending until `deadlineAt`),
   * or throws LimitReachedError. Answers synchronously when the counter does (embedded mode).
   * Undefined when there is no questions policy to tell (unlimited, or the store unreachable).
   */
  admit(
    principal: Principal,
    jobId: string,
    deadlineAt: string,
  ): MaybePromise<QuestionsLeft | undefined> {
    const limits = this.limitsFor(principal);
    // Nothing to enforce (an app, or quotas off): no check, and the question is not counted.
    if (!limits.questionsPerDay && !limits.tokensPerDay && !limits.pendingJobs) return undefined;
    const now = this.now();
    const job = { id: jobId, pendingUntilMs: Date.parse(deadlineAt) };
    let admission: MaybePromise<Admission>;
    try {
      admission = this.options.counter.admit(principal.id, utcDay(now), limits, job, now);
    } catch (error) {
      return this.unchecked(error);
    }
    if (!(admission instanceof Promise)) return this.decide(admission, limits, now);
    return admission.then(
      (settled) => this.decide(settled, limits, now),
      (error: unknown) => this.unchecked(error),
    );
  }

  /** Undoes an admission whose ask made no job (best effort: the day's count is a bound). */
  async release(principal: Principal, jobId: string): Promise<void> {
    await this.quietly(() => this.options.counter.release(principal.id, utcDay(this.now()), jobId));
  }

  /** A job settled (or what a stopped call used was written onto it): counted on its owner's day. */
  settled(job: JobRecord): MaybePromise<void> {
    const tokens = job.usage ? job.usage.inputTokens + job.usage.outputTokens : 0;
    const costMicroUsd = Math.round((job.usage?.costUsd ?? 0) * 1e6);
    return this.quietly(() =>
      this.options.counter.settled(job.ownerId, utcDay(this.now()), job.id, {
        tokens,
        costMicroUsd,
      }),
    );
  }

  /** What is left of the principal's questions today, without counting one (undefined: unlimited). */
  async left(principal: Principal): Promise<QuestionsLeft | undefined> {
    const limit = this.limitsFor(principal).questionsPerDay;
    if (limit === 0) return undefined;
    const now = this.now();
    try {
      const used = await this.options.counter.usage(principal.id, utcDay(now));
      return questionsLeft(limit, used.questions, now);
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  /** The principal's day so far. */
  async usage(principal: Principal): Promise<UsageReport> {
    const now = this.now();
    const day = utcDay(now);
    const used = (await this.options.counter.usage(principal.id, day)) ?? NO_USAGE;
    const limits = this.limitsFor(principal);
    return {
      day,
      questions: { used: used.questions, limit: limits.questionsPerDay || null },
      tokens: { used: used.tokens, limit: limits.tokensPerDay || null },
      costUsd: used.costMicroUsd / 1e6,
      resetsAt: new Date(nextUtcMidnight(now)).toISOString(),
    };
  }

  /** Forgets the principal's counters (their data is erased). */
  async erase(principalId: string): Promise<void> {
    await this.options.counter.erase(principalId);
  }

  private decide(
    admission: Admission,
    limits: QuotaLimits,
    now: number,
  ): QuestionsLeft | undefined {
    this.recovered();
    if (!admission.admitted) {
      const refusal = refusalOf(admission.refused, limits, now);
      this.metrics.quotaDenied(refusal.code);
      throw refusal;
    }
    const limit = limits.questionsPerDay;
    if (limit === 0) return undefined;
    return questionsLeft(limit, admission.usage.questions, now);
  }

  private unchecked(error: unknown): undefined {
    this.metrics.quotaUnchecked();
    this.failed(error);
    return undefined;
  }

  /** Runs a counter call whose failure costs the count, never the request. */
  private quietly(call: () => MaybePromise<void>): MaybePromise<void> {
    try {
      const done = call();
      if (!(done instanceof Promise)) return this.recovered();
      return done.then(
        () => this.recovered(),
        (error: unknown) => this.failed(error),
      );
    } catch (error) {
      return this.failed(error);
    }
  }

  private failed(error: unknown): void {
    if (this.outage) return;
    this.outage = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.options.logger.warn({ reason }, 'quota counters unavailable: asks are let through');
  }

  private recovered(): void {
    if (!this.outage) return;
    this.outage = false;
    this.options.logger.info({}, 'quota counters available again');
  }
}

/** The questions policy after `used` of `limit` questions today, as of `now`. */
function questionsLeft(limit: number, used: number, now: number): QuestionsLeft {
  return { limit, remaining: Math.max(0, limit - used), resetSeconds: secondsToReset(now) };
}

/** Seconds from `now` to the next UTC midnight, when the day's counts start again (at least 1). */
function secondsToReset(now: number): number {
  return Math.max(1, Math.ceil((nextUtcMidnight(now) - now) / 1000));
}

function refusalOf(refused: QuotaLimitName, limits: QuotaLimits, now: number): LimitReachedError {
  if (refused === 'pending') {
    return new LimitReachedError(
      'too_many_pending',
      'pending',
      limits.pendingJobs,
      PENDING_RETRY_SECONDS,
    );
  }
  const allowed = refused === 'questions' ? limits.questionsPerDay : limits.tokensPerDay;
  const resetsAt = new Date(nextUtcMidnight(now)).toISOString();
  return new LimitReachedError('quota_exceeded', refused, allowed, secondsToReset(now), resetsAt);
}
