import { answerKey, isCacheable, type AnswerKeyContext } from './answer-key.js';
import { BoundedCalls } from './bounded-calls.js';
import { RESET_REASONS } from './events.js';
import type { Job, JobRecord, JobStatus, Usage } from './job.js';
import { NO_METRICS, type Metrics } from './metrics.js';
import type { AnswerCache, CachedAnswer, Logger } from './ports.js';
import type { SettlementWatch } from './settlement-watch.js';
import type { Settler } from './settler.js';

/**
 * What the answer cache did for an ask (the `Cache-Status` it answers with): `hit` (answered from
 * a kept answer), `miss` (none kept: the model is asked, and its answer kept), `refresh`
 * (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one),
 * `unavailable` (the cache did not answer in time: the model is asked), `uncacheable` (not a
 * first question in explain mode), `replay` (an Idempotency-Key replay: its earlier job) and
 * `off` (ANSWER_CACHE=off).
 */
export type CacheOutcome =
  'hit' | 'miss' | 'refresh' | 'unavailable' | 'uncacheable' | 'replay' | 'off';

/** An answer to reuse: a kept entry, or the answer of an identical job that was in flight. */
export type ReusedAnswer = Pick<CachedAnswer, 'answer' | 'provider' | 'model' | 'usage'>;

/** A new job, stamped with its key, and the lookup made for it (which never rejects). */
export interface PreparedAsk {
  job: JobRecord;
  found: Promise<Found>;
}

export interface Found {
  outcome: CacheOutcome;
  entry?: CachedAnswer;
}

/** What a worker does with a job before calling the model: reuse an answer, or call (leading?). */
export type CallPlan = { reuse: ReusedAnswer } | { reuse?: undefined; leading: boolean };

export interface CachedAnswersOptions {
  cache: AnswerCache;
  /** What the keys are made of besides the ask (prompt version, output cap, default models). */
  keyContext: AnswerKeyContext;
  /** A lookup slower than this counts as a miss (ANSWER_CACHE_TIMEOUT_MS). */
  timeoutMs: number;
  /** Settles and announces jobs answered from the cache, as any job. */
  settler: Settler;
  /** Where a job waits for an identical job in flight to end. */
  settlements: SettlementWatch;
  logger: Logger;
  metrics?: Metrics;
  now?: () => Date;
}

/** What a reused answer costs the job that reuses it: nothing. */
const NOTHING_USED: Usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

/** What the call that wrote an answer cost, when known. */
function costOf(usage: Usage): number | null {
  return (usage as Usage & { costUsd?: number | null }).costUsd ?? null;
}

/** How many leaders in turn a job waits for before it asks the model itself. */
const MAX_LEADERS = 3;

/** A reused answer is sent in `delta` events of at most this many characters. */
const DELTA_CHARACTERS = 2000;

/**
 * The answer cache's rules, in one place (docs/answer-cache.md): which jobs it serves (a
 * conversation's first turn in explain mode), how an ask is answered from it, how identical
 * first questions in flight at once share one provider call (the first leads, the others wait
 * for its end through the settlement watch), what is kept (completed answers only), and what
 * evicts (a down rating, an erasure). The cache is never the source of truth: every failure or
 * slow reply of it is a miss, and the model is asked.
 */
export class CachedAnswers {
  private readonly cache: AnswerCache;
  private readonly metrics: Metrics;
  private readonly now: () => Date;
  /** Every cache call: bounded by the timeout, a failure a miss. */
  private readonly calls: BoundedCalls;

  constructor(private readonly options: CachedAnswersOptions) {
    this.cache = options.cache;
    this.metrics = options.metrics ?? NO_METRICS;
    this.now = options.now ?? (() => new Date());
    this.calls = new BoundedCalls({
      timeoutMs: options.timeoutMs,
      logger: options.logger,
      name: 'answer cache',
    });
  }

  /**
   * The api side, before the job is stored: the job stamped with its key (when cacheable), and
   * the lookup, started at once so that it runs beside the store's write.
   */
  prepare(job: JobRecord, refresh: boolean): PreparedAsk {
    if (!isCacheable(job)) {
      return { job, found: Promise.resolve({ outcome: 'uncacheable' }) };
    }
    const key = answerKey(job, this.options.keyContext);
    const stamped: JobRecord = { ...job, cacheKey: key, ...(refresh && { cacheRefresh: true }) };
    if (refresh) return { job: stamped, found: Promise.resolve({ outcome: 'refresh' }) };
    const found = this.calls
      .run(() => this.cache.get(key))
      .then((entry): Found =>
        entry === null
          ? { outcome: 'unavailable' }
          : entry
            ? { outcome: 'hit', entry }
            : { outcome: 'miss' },
      );
    return { job: stamped, found };
  }

  /**
   * The api side, once the job is stored: counts the lookup and, on a hit, completes the job
   * from the entry (its `job`, `delta` and `done` events, as any job) without a provider call.
   * The settled job, or undefined when the job goes to the model.
   */
  async answer(job: JobRecord, found: Found): Promise<JobRecord | undefined> {
    switch (found.outcome) {
      case 'hit':
        break;
      case 'miss':
      case 'unavailable':
        this.metrics.answerCacheLookup('miss');
        return undefined;
      case 'refresh':
        this.metrics.answerCacheLookup('bypass');
        return undefined;
      default:
        return undefined;
    }
    const entry = found.entry!;
    const { publisher } = this.options.settler;
    await publisher.status(job);
    let settled: JobRecord | undefined;
    try {
      settled = await this.complete(job, entry, ['queued']);
    } catch (error) {
      this.options.logger.warn(
        { jobId: job.id, err: error },
        'cache hit not settled; asking the model',
      );
    }
    if (settled) {
      this.metrics.answerCacheLookup('hit', costOf(entry.usage));
      return settled;
    }
    // The text streamed so far is not the job's answer: the model's will be.
    await publisher.publish(job.id, { type: 'reset', reason: RESET_REASONS.retry });
    this.metrics.answerCacheLookup('miss');
    return undefined;
  }

  /**
   * The worker side, before the model is called for a job with a key: an answer kept since the
   * ask looked, or the answer of an identical job in flight, whose end this job waits for (at
   * most `waitMs` in all); otherwise the call goes ahead, leading (identical jobs will wait for
   * it) when no other job does. A leader that ends without an answer hands the lead on to one
   * of its waiters, and the others wait for that one.
   */
  async plan(job: JobRecord, waitMs: number): Promise<CallPlan> {
    const key = job.cacheKey;
    if (!key) return { leading: false };
    if (!job.cacheRefresh) {
      const entry = await this.calls.run(() => this.cache.get(key));
      if (entry) return this.reused(entry);
    }
    const until = performance.now() + waitMs;
    let ended: string | undefined;
    for (let round = 0; round < MAX_LEADERS; round++) {
      const leader = await this.calls.run(() => this.cache.lead(key, job.id, waitMs, ended));
      if (!leader || leader === job.id || job.cacheRefresh) return { leading: leader === job.id };
      const end = await this.firstEnd(leader, job.id, until - performance.now());
      if (!end) break;
      if (end.status === 'completed' && end.answer !== null && end.provider && end.model) {
        return this.reused({
          answer: end.answer,
          provider: end.provider as ReusedAnswer['provider'],
          model: end.model,
          usage: end.cachedUsage ?? end.usage ?? NOTHING_USED,
        });
      }
      ended = leader;
    }
    // Waited long enough (or this job was settled meanwhile): ask the model.
    return { leading: false };
  }

  /**
   * Completes a pending job from a reused answer: its text as `delta` events, then the
   * settlement (`cached`, nothing used, the original usage kept apart) and its `done`.
   */
  async complete(
    job: JobRecord,
    reused: ReusedAnswer,
    from: readonly JobStatus[],
  ): Promise<JobRecord | undefined> {
    const { publisher } = this.options.settler;
    for (const text of pieces(reused.answer))
      await publisher.publish(job.id, { type: 'delta', text });
    return this.options.settler.settle(
      job.id,
      {
        status: 'completed',
        answer: reused.answer,
        provider: reused.provider,
        model: reused.model,
        usage: NOTHING_USED,
        attempts: 0,
        cachedUsage: reused.usage,
      },
      { from, beforeDeadline: from.includes('running') },
    );
  }

  /**
   * The worker side, after the model answered a job with a key: a completed answer is kept (a
   * reused one already is), then the job's in-flight mark is removed if it held it.
   */
  async keep(job: JobRecord, settled: JobRecord | undefined, leading: boolean): Promise<void> {
    const key = job.cacheKey;
    if (!key) return;
    if (settled?.status === 'completed' && !settled.cached && settled.answer !== null) {
      await this.calls.run(() =>
        this.cache.put({
          key,
          answer: settled.answer!,
          provider: settled.provider as CachedAnswer['provider'],
          model: settled.model ?? '',
          usage: settled.usage ?? NOTHING_USED,
          storedAt: this.now().toISOString(),
        }),
      );
    }
    if (leading) await this.calls.run(() => this.cache.release(key, job.id));
  }

  /**
   * Evicts the entry a job's answer came from or went into (a down rating, an erasure), if the
   * entry still holds that answer: the next identical ask goes to the model.
   */
  async forget(job: JobRecord): Promise<void> {
    if (!job.cacheKey || job.answer === null) return;
    const evicted = await this.calls.run(() => this.cache.evict(job.cacheKey!, job.answer!));
    if (evicted) this.metrics.answerCacheEviction();
  }

  private reused(answer: ReusedAnswer): CallPlan {
    this.metrics.answerCacheLookup('hit', costOf(answer.usage));
    return { reuse: answer };
  }

  /** The leader once it settles; undefined when `own` settles first or `waitMs` passes. */
  private firstEnd(leader: string, own: string, waitMs: number): Promise<Job | undefined> {
    return new Promise((resolve) => {
      const stops: (() => void)[] = [];
      let over = false;
      const finish = (job: Job | undefined) => {
        if (over) return;
        over = true;
        clearTimeout(timer);
        for (const stop of stops) stop();
        resolve(job);
      };
      const timer = setTimeout(() => finish(undefined), Math.max(0, waitMs));
      stops.push(this.options.settlements.watch(leader, (job) => finish(job)));
      stops.push(this.options.settlements.watch(own, () => finish(undefined)));
      if (over) for (const stop of stops) stop();
    });
  }
}

/** Text in pieces of at most DELTA_CHARACTERS, cut at a space where one is near (never mid-pair). */
export function pieces(text: string): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > DELTA_CHARACTERS) {
    let cut = rest.lastIndexOf(' ', DELTA_CHARACTERS);
    if (cut <= 0) cut = DELTA_CHARACTERS;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}
