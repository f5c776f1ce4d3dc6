import { LocalEnvironment } from 'aws-embedded-metrics/lib/environment/LocalEnvironment.js';
import { MetricsContext } from 'aws-embedded-metrics/lib/logger/MetricsContext.js';
import { MetricsLogger } from 'aws-embedded-metrics/lib/logger/MetricsLogger.js';
import { Unit } from 'aws-embedded-metrics/lib/logger/Unit.js';
import type { JobRecord, Usage } from '../../domain/job.js';
import type { CacheLookup, Metrics, QuotaDenialCode } from '../../domain/metrics.js';
import { secondsSinceCreated } from '../../domain/metrics.js';
import type { Logger } from '../../domain/ports.js';
import { EMF_METRICS } from './emf-names.js';

type CostedUsage = Usage & { costUsd?: number | null };

export interface EmfMetricsOptions {
  /** The CloudWatch namespace (CLOUDWATCH_METRICS_NAMESPACE), e.g. `IsCoolGPT/prod`. */
  namespace: string;
  /** How often what was counted is written out. */
  flushIntervalMs?: number;
  logger: Logger;
}

/**
 * The domain's metrics as CloudWatch embedded metric format (aws-embedded-metrics): JSON lines
 * on stdout, which the task's awslogs driver sends to CloudWatch Logs, where they become
 * metrics. What happens within a flush interval is gathered into one line per dimension set
 * (counts and samples, not one line per event), so a flood of refusals costs a few lines a
 * minute. Dimensions are few and bounded: an error code, a model of the allowlist, a limit code.
 * The library's environment detection (which probes EC2 metadata) is bypassed: always stdout.
 */
export class EmfMetrics implements Metrics {
  private lines = new Map<string, MetricsLogger>();
  private readonly timer: NodeJS.Timeout;
  private readonly environment = new LocalEnvironment();

  constructor(private readonly options: EmfMetricsOptions) {
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 60_000);
    this.timer.unref();
  }

  jobSettled(job: JobRecord): void {
    const settledAt = Date.parse(job.completedAt ?? job.updatedAt);
    const line = this.line();
    line.putMetric(EMF_METRICS.jobsSettled, 1, Unit.Count);
    line.putMetric(EMF_METRICS.jobDuration, secondsSinceCreated(job, settledAt), Unit.Seconds);
    if (job.status === 'failed') {
      const code = job.error?.code ?? 'unknown';
      this.line({ ErrorCode: code }).putMetric(EMF_METRICS.jobsFailed, 1, Unit.Count);
    }
    if (job.usage) this.callsUsed(job.usage, job.provider, job.model);
  }

  callsUsed(usage: CostedUsage, _provider: string | null, model: string | null): void {
    const line = this.line();
    line.putMetric(EMF_METRICS.inputTokens, usage.inputTokens, Unit.Count);
    line.putMetric(EMF_METRICS.outputTokens, usage.outputTokens, Unit.Count);
    if (typeof usage.costUsd === 'number') {
      this.line({ Model: model ?? 'none' }).putMetric(
        EMF_METRICS.costUsd,
        usage.costUsd,
        Unit.None,
      );
    }
  }

  firstDelta(seconds: number): void {
    this.line().putMetric(EMF_METRICS.timeToFirstDelta, seconds, Unit.Seconds);
  }

  quotaDenied(code: QuotaDenialCode): void {
    this.line({ Code: code }).putMetric(EMF_METRICS.quotaDenied, 1, Unit.Count);
  }

  quotaUnchecked(): void {
    this.line().putMetric(EMF_METRICS.quotaUnchecked, 1, Unit.Count);
  }

  // Open streams are a gauge of one process: Prometheus serves it; CloudWatch gets none.
  streamOpened(): void {}
  streamClosed(): void {}

  answerCacheLookup(result: CacheLookup, savedUsd?: number | null): void {
    const line = this.line();
    line.putMetric(EMF_METRICS.cacheLookups[result], 1, Unit.Count);
    if (result === 'hit' && typeof savedUsd === 'number') {
      line.putMetric(EMF_METRICS.cacheSavedUsd, savedUsd, Unit.None);
    }
  }

  answerCacheEviction(): void {
    this.line().putMetric(EMF_METRICS.cacheEvictions, 1, Unit.Count);
  }

  /** Writes out what was counted since the last flush (and stops the timer when closing). */
  async flush(): Promise<void> {
    const lines = [...this.lines.values()];
    this.lines = new Map();
    await Promise.all(
      lines.map((line) =>
        line.flush().catch((error: unknown) => {
          this.options.logger.warn({ err: error }, 'CloudWatch metrics not written');
        }),
      ),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * The line of this flush for one dimension: published both without dimensions (the totals the
   * alarms read) and with it (e.g. failed jobs by ErrorCode).
   */
  private line(dimension?: Record<string, string>): MetricsLogger {
    const key = dimension ? JSON.stringify(dimension) : '';
    let line = this.lines.get(key);
    if (!line) {
      line = new MetricsLogger(() => Promise.resolve(this.environment), MetricsContext.empty());
      line.setNamespace(this.options.namespace);
      line.setDimensions(dimension ? [{}, dimension] : [{}]);
      this.lines.set(key, line);
    }
    return line;
  }
}
