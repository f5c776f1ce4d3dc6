import { EmfMetrics } from '../adapters/aws/emf-metrics.js';
import { PrometheusMetrics, type MetricsExposition } from '../adapters/metrics/prometheus.js';
import type { Config } from '../config.js';
import { allMetrics, type Metrics } from '../domain/metrics.js';
import type { Logger } from '../domain/ports.js';

/** What one production process counts, and where it goes. */
export interface ProcessMetrics {
  /** The port the domain and the HTTP layer call. */
  metrics: Metrics;
  /** The process's Prometheus text (`GET /metrics`). */
  exposition: MetricsExposition;
  /** Writes out what CloudWatch has not received yet. */
  close(): Promise<void>;
}

/**
 * Prometheus always; CloudWatch embedded metric format too when CLOUDWATCH_METRICS_NAMESPACE is
 * set (the stack sets it), every figure going to both.
 */
export function processMetrics(
  config: Pick<Config, 'CLOUDWATCH_METRICS_NAMESPACE'>,
  logger: Logger,
): ProcessMetrics {
  const prometheus = new PrometheusMetrics();
  const namespace = config.CLOUDWATCH_METRICS_NAMESPACE;
  const cloudWatch = namespace ? new EmfMetrics({ namespace, logger }) : undefined;
  return {
    metrics: cloudWatch ? allMetrics(prometheus, cloudWatch) : prometheus,
    exposition: prometheus,
    close: async () => {
      await cloudWatch?.close();
    },
  };
}
