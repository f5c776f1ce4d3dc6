/**
 * Limits derived from a stated load instead of guessed: the study page's usage plan, the job
 * events cache's ECPU ceiling and the worker's backlog per task. infra/README.md ("Sizing") gives
 * the arithmetic with the default figures; the cost per 1,000 questions uses the same load.
 */

/** Who uses the page: a school's students, each asking this many questions on a school day. */
export interface StatedLoad {
  readonly students: number;
  readonly questionsPerStudentPerDay: number;
}

export const DEFAULT_LOAD: StatedLoad = { students: 1000, questionsPerStudentPerDay: 20 };

/** How a question turns into requests and how a school day is shaped. */
export const LOAD_SHAPE = {
  /**
   * Requests the page sends per question: the ask (streamed in the same response), on average
   * one more (a stream resumed after a cut, or the job read once it is done) and one for
   * feedback or loading the conversation.
   */
  requestsPerQuestion: 3,
  /** Share of a day's questions asked in its busiest hour: a lesson the whole school attends. */
  busiestHourShare: 0.25,
  /** Within that hour, a class asked to try at once: the busiest second against the hour's mean. */
  burstFactor: 4,
  /** An answer streams this long: a deploy that drains the api cuts that many seconds of streams. */
  streamSeconds: 15,
  /** Headroom on every derived limit (retries with back-off, a bigger class than stated). */
  margin: 2,
  /** School days in a month, for monthly figures. */
  daysPerMonth: 30,
} as const;

export const questionsPerDay = (load: StatedLoad) => load.students * load.questionsPerStudentPerDay;

/** Questions a second in the busiest second of the busiest hour. */
export const peakQuestionsPerSecond = (load: StatedLoad) =>
  ((questionsPerDay(load) * LOAD_SHAPE.busiestHourShare) / 3600) * LOAD_SHAPE.burstFactor;

/**
 * The study page's shared key: every browser's requests together. The daily quota is the day's
 * requests with the margin; the rate is the busiest second's; the burst absorbs every stream a
 * deploy cuts reconnecting at once (the page retries 429 with back-off, so a burst above it is
 * spread rather than lost). Fairness between students comes from the api's own per-student
 * quotas, not from this plan.
 */
export function webUsagePlan(load: StatedLoad) {
  const { requestsPerQuestion, streamSeconds, margin } = LOAD_SHAPE;
  const peak = peakQuestionsPerSecond(load);
  const rateLimit = Math.ceil(peak * requestsPerQuestion * margin);
  return {
    quotaPerDay: Math.ceil(questionsPerDay(load) * requestsPerQuestion * margin),
    rateLimit,
    burstLimit: Math.max(rateLimit, Math.ceil(peak * streamSeconds * margin)),
  };
}

/**
 * ECPUs one streaming answer spends per second in the job events cache: the worker paces deltas
 * at DELTAS_PER_SECOND (20, shared/src/domain/delta-pacer.ts), and each delta is an XADD, a
 * PUBLISH and its delivery to the api streaming it and to the worker's own cancel watch, about
 * 5 ECPUs for events of a few hundred bytes.
 */
export const ECPU_PER_STREAMING_ANSWER = 100;
/** The lowest ECPU ceiling ElastiCache Serverless accepts. */
export const MIN_ECPU_PER_SECOND = 1000;

/**
 * The cache's ECPU ceiling: every job the worker fleet can run at its largest (max tasks ×
 * WORKER_CONCURRENCY) streaming at once, with the margin. The ceiling bounds the bill of a bug;
 * at it the cache throttles commands (the EventsCacheThrottled alarm), so it must sit above what
 * the fleet can legitimately ask.
 */
export function eventsCacheEcpuCeiling(worker: { maxCount: number; concurrency: number }): number {
  return Math.max(
    MIN_ECPU_PER_SECOND,
    worker.maxCount * worker.concurrency * ECPU_PER_STREAMING_ANSWER * LOAD_SHAPE.margin,
  );
}

/**
 * Messages waiting per worker task that still let a synchronous ask be answered in time. A job
 * queued behind `b` others on a task running `concurrency` at once starts after about
 * `b / concurrency` job durations; it must then finish within the wait budget:
 * `(b / concurrency + 1) × jobSeconds ≤ budget`. The budget is SYNC_WAIT_SECONDS, or half the job
 * deadline when nobody waits synchronously (SYNC_WAIT_SECONDS = 0).
 */
export function backlogPerTaskTarget(settings: {
  workerConcurrency: number;
  syncWaitSeconds: number;
  jobDeadlineSeconds: number;
  jobSeconds: number;
}): number {
  const budget =
    settings.syncWaitSeconds > 0 ? settings.syncWaitSeconds : settings.jobDeadlineSeconds / 2;
  const rounds = (budget - settings.jobSeconds) / settings.jobSeconds;
  return Math.max(1, Math.floor(settings.workerConcurrency * rounds));
}
