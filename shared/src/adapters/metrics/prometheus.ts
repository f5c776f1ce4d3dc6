import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobRecord, Usage } from '../../domain/job.js';
import type { CacheLookup, Metrics, QuotaDenialCode } from '../../domain/metrics.js';
import { secondsSinceCreated } from '../../domain/metrics.js';

/** Every series this process serves at `/metrics` starts with it (`<app>_<thing>_<unit>`). */
export const METRIC_PREFIX = 'iscoolgpt';

/** A job's usage, with its cost once jobs carry one (issue 20: `usage.costUsd`). */
type CostedUsage = Usage & { costUsd?: number | null };

/** What `/metrics` serves: Prometheus text of one registry. */
export interface MetricsExposition {
  readonly contentType: string;
  text(): Promise<string>;
}

/**
 * The domain's metrics as prom-client series, in one registry per process (created at
 * composition), with the process defaults (CPU, memory, event loop lag, GC). Labels are few and
 * bounded: statuses, providers, modes, models of the allowlist, limit codes; never ids.
 */
export class PrometheusMetrics implements Metrics, MetricsExposition {
  readonly registry = new Registry();
  private readonly jobs: Counter<'status' | 'provider' | 'mode'>;
  private readonly jobDuration: Histogram<'status'>;
  private readonly timeToFirstDelta: Histogram;
  private readonly tokens: Counter<'direction'>;
  private readonly cost: Counter<'provider' | 'model'>;
  private readonly quotaDenials: Counter<'code'>;
  private readonly quotaUnchecks: Counter;
  private readonly openStreams: Gauge;
  private readonly cacheLookups: Counter<'result'>;
  private readonly cacheEvictions: Counter;
  private readonly cacheSaved: Counter;

  constructor() {
    const registers = [this.registry];
    const name = (thing: string) => `${METRIC_PREFIX}_${thing}`;
    collectDefaultMetrics({ register: this.registry });
    this.jobs = new Counter({
      name: name('jobs_total'),
      help: 'Jobs settled, by final status, who answered (none: no provider call) and mode',
      labelNames: ['status', 'provider', 'mode'],
      registers,
    });
    this.jobDuration = new Histogram({
      name: name('job_duration_seconds'),
      help: 'Time from a job’s creation (the ask) to its settlement',
      labelNames: ['status'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300],
      registers,
    });
    this.timeToFirstDelta = new Histogram({
      name: name('time_to_first_delta_seconds'),
      help: 'Time from a job’s creation (the ask) to the first piece of its answer',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 60],
      registers,
    });
    this.tokens = new Counter({
      name: name('tokens_total'),
      help: 'Tokens of provider calls (input: the prompt; output: the answer), retries included',
      labelNames: ['direction'],
      registers,
    });
    this.cost = new Counter({
      name: name('cost_usd_total'),
      help: 'What provider calls cost in USD by the price table (LLM_PRICES), by provider and model',
      labelNames: ['provider', 'model'],
      registers,
    });
    this.quotaDenials = new Counter({
      name: name('quota_denied_total'),
      help: 'Asks and event streams refused by a per-principal limit, by the problem’s code',
      labelNames: ['code'],
      registers,
    });
    this.quotaUnchecks = new Counter({
      name: name('quota_unchecked_total'),
      help: 'Asks let through unchecked because the quota counter store was unreachable',
      registers,
    });
    this.openStreams = new Gauge({
      name: name('open_streams'),
      help: 'Event streams this process is sending now',
      registers,
    });
    this.cacheLookups = new Counter({
      name: name('answer_cache_lookups_total'),
      help: 'Answer-cache lookups: hit, miss, or bypass (Cache-Control: no-cache)',
      labelNames: ['result'],
      registers,
    });
    this.cacheEvictions = new Counter({
      name: name('answer_cache_evictions_total'),
      help: 'Answer-cache entries removed before their time (a down rating, the size bound)',
      registers,
    });
    this.cacheSaved = new Counter({
      name: name('answer_cache_saved_usd_total'),
      help: 'What cache hits saved in USD: the original answers’ cost',
      registers,
    });
    // Every label value a dashboard plots from the start reads 0 rather than missing.
    for (const direction of ['input', 'output']) this.tokens.inc({ direction }, 0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  jobSettled(job: JobRecord): void {
    const status = job.status;
    this.jobs.inc({ status, provider: job.provider ?? 'none', mode: job.mode });
    const settledAt = Date.parse(job.completedAt ?? job.updatedAt);
    this.jobDuration.observe({ status }, secondsSinceCreated(job, settledAt));
    if (job.usage) this.callsUsed(job.usage, job.provider, job.model);
  }

  callsUsed(usage: CostedUsage, provider: string | null, model: string | null): void {
    if (usage.inputTokens > 0) this.tokens.inc({ direction: 'input' }, usage.inputTokens);
    if (usage.outputTokens > 0) this.tokens.inc({ direction: 'output' }, usage.outputTokens);
    if (typeof usage.costUsd === 'number') {
      this.cost.inc({ provider: provider ?? 'none', model: model ?? 'none' }, usage.costUsd);
    }
  }

  firstDelta(seconds: number): void {
    this.timeToFirstDelta.observe(seconds);
  }

  quotaDenied(code: QuotaDenialCode): void {
    this.quotaDenials.inc({ code });
  }

  quotaUnchecked(): void {
    this.quotaUnchecks.inc();
  }

  streamOpened(): void {
    this.openStreams.inc();
  }

  streamClosed(): void {
    this.openStreams.dec();
  }

  answerCacheLookup(result: CacheLookup, savedUsd?: number | null): void {
    this.cacheLookups.inc({ result });
    if (result === 'hit' && typeof savedUsd === 'number') this.cacheSaved.inc(savedUsd);
  }

  answerCacheEviction(): void {
    this.cacheEvictions.inc();
  }
}
