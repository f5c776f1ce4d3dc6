import type { JobRecord, Usage } from './job.js';

/** Why an ask (or an event stream) was refused by a limit: the problem's `code`. */
export type QuotaDenialCode = 'quota_exceeded' | 'too_many_pending' | 'too_many_streams';

/** What an answer-cache lookup found: an answer, none, or none looked for (`no-cache`). */
export type CacheLookup = 'hit' | 'miss' | 'bypass';

/**
 * What the domain observes, for counting: each method is called at the one place the thing
 * happens (a job settled: the Settler; a first delta: the JobProcessor; a refusal: where the
 * limit is checked). Adapters turn the calls into Prometheus series and CloudWatch metrics. The
 * calls carry no ids and no student text, and must not throw or wait: they run on the hot path.
 */
export interface Metrics {
  /**
   * A job settled: called once per job, by the settlement write that won. Counts it by status,
   * provider and mode, its time from creation to settlement, and what its calls used (tokens,
   * cost) when it says.
   */
  jobSettled(job: JobRecord): void;
  /**
   * Tokens and cost of provider calls that no settlement carried (a call stopped by a cancel or
   * a deadline, its usage written onto the job afterwards).
   */
  callsUsed(usage: Usage, provider: string | null, model: string | null): void;
  /** A job's first piece of answer text, `seconds` after the job was created (what a student waits). */
  firstDelta(seconds: number): void;
  /** An ask (or an event stream) refused by a per-principal limit. */
  quotaDenied(code: QuotaDenialCode): void;
  /** An ask let through unchecked because the quota counter store was unreachable. */
  quotaUnchecked(): void;
  /** An event stream opened (counted as open until streamClosed). */
  streamOpened(): void;
  streamClosed(): void;
  /** An answer-cache lookup; a hit saved `savedUsd`, the original answer's cost (null: unknown). */
  answerCacheLookup(result: CacheLookup, savedUsd?: number | null): void;
  /** An answer-cache entry removed before its time (a down rating, or the cache's size bound). */
  answerCacheEviction(): void;
}

/** Counts nothing: for processes and tests that do not measure. */
export const NO_METRICS: Metrics = {
  jobSettled() {},
  callsUsed() {},
  firstDelta() {},
  quotaDenied() {},
  quotaUnchecked() {},
  streamOpened() {},
  streamClosed() {},
  answerCacheLookup() {},
  answerCacheEviction() {},
};

/** Every call goes to each of `targets` (Prometheus and CloudWatch in AWS). */
export function allMetrics(...targets: readonly Metrics[]): Metrics {
  if (targets.length === 1) return targets[0]!;
  return {
    jobSettled: (job) => targets.forEach((target) => target.jobSettled(job)),
    callsUsed: (usage, provider, model) =>
      targets.forEach((target) => target.callsUsed(usage, provider, model)),
    firstDelta: (seconds) => targets.forEach((target) => target.firstDelta(seconds)),
    quotaDenied: (code) => targets.forEach((target) => target.quotaDenied(code)),
    quotaUnchecked: () => targets.forEach((target) => target.quotaUnchecked()),
    streamOpened: () => targets.forEach((target) => target.streamOpened()),
    streamClosed: () => targets.forEach((target) => target.streamClosed()),
    answerCacheLookup: (result, savedUsd) =>
      targets.forEach((target) => target.answerCacheLookup(result, savedUsd)),
    answerCacheEviction: () => targets.forEach((target) => target.answerCacheEviction()),
  };
}

/** Seconds from a job's creation to `at` (never negative: clocks of two processes may differ). */
export function secondsSinceCreated(job: Pick<JobRecord, 'createdAt'>, at: number): number {
  return Math.max(0, (at - Date.parse(job.createdAt)) / 1000);
}
