/**
 * The quota counter port (issue 20, "Quotas, per principal"): what a principal used today and the
 * pending jobs they hold, counted where every api process and worker sees the same figures
 * (Redis in AWS, this process's memory in embedded mode).
 *
 * A method may answer synchronously (the memory adapter does): callers await only a promise, so
 * embedded mode's ask gains no await chain for its quota check.
 */
export type MaybePromise<T> = T | Promise<T>;

/** One principal's limits; 0 means unlimited. */
export interface QuotaLimits {
  questionsPerDay: number;
  tokensPerDay: number;
  pendingJobs: number;
}

/** What a principal used on one UTC day. */
export interface DayUsage {
  questions: number;
  /** Input and output together, every provider call of the jobs settled that day. */
  tokens: number;
  /** USD, summed in millionths (costs have 6 decimals), so the sum never drifts. */
  costMicroUsd: number;
}

/** The limit an ask ran into. */
export type QuotaLimitName = 'questions' | 'tokens' | 'pending';

export type Admission =
  /** Counted: `usage` includes this question. */
  | { admitted: true; usage: DayUsage }
  /** Refused by `refused`, nothing counted. */
  | { admitted: false; refused: QuotaLimitName; usage: DayUsage };

/** A job an admission holds a pending slot for, until it settles (or `pendingUntilMs` passes). */
export interface PendingJob {
  id: string;
  /** Its deadline: past it the slot frees itself, even if no settlement was ever counted. */
  pendingUntilMs: number;
}

export interface QuotaCounter {
  /**
   * Atomically (across processes sharing the store): refuses when the day's questions or tokens
   * reached their limit or the principal holds `pendingJobs` pending jobs; otherwise counts one
   * question on `day` and holds a pending slot for `job`.
   */
  admit(
    principalId: string,
    day: string,
    limits: QuotaLimits,
    job: PendingJob,
    nowMs: number,
  ): MaybePromise<Admission>;
  /** Undoes an admission whose ask made no job (its question uncounted, its slot freed). */
  release(principalId: string, day: string, jobId: string): MaybePromise<void>;
  /** A job's end: its pending slot (if any) is freed and what it used is added to `day`. */
  settled(principalId: string, day: string, jobId: string, used: Used): MaybePromise<void>;
  /** What the principal used on `day` (zeros for a day with nothing counted). */
  usage(principalId: string, day: string): MaybePromise<DayUsage>;
  /** Forgets everything counted for the principal (their data is erased). */
  erase(principalId: string): MaybePromise<void>;
}

/** What a settled job's provider calls used. */
export interface Used {
  tokens: number;
  costMicroUsd: number;
}

export const NO_USAGE: DayUsage = Object.freeze({ questions: 0, tokens: 0, costMicroUsd: 0 });

/** The UTC day of `ms`, `YYYY-MM-DD`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The first millisecond of the UTC day after the one `ms` is in. */
export function nextUtcMidnight(ms: number): number {
  const day = new Date(ms);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1);
}
