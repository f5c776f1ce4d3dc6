import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { EMF_METRICS } from '../../shared-resources.js';
import type { AddAlarm } from './alarm-kit.js';

export interface JobAlarmsProps {
  /** Namespace of the metrics the services write (CLOUDWATCH_METRICS_NAMESPACE). */
  readonly metricNamespace: string;
  /** The secret variables of the providers in the chain, named in the alarm texts. */
  readonly keyVariables: string[];
  /** What the model calls may cost in an hour before someone is told (USD). */
  readonly costPerHourAlarmUsd?: number;
  /** The p95 time from an ask to its first delta above which someone is told (seconds). */
  readonly timeToFirstDeltaP95AlarmSeconds?: number;
}

const PERIOD = Duration.minutes(5);

/**
 * Failed jobs by error code, the time to a first delta and the cost, from the metrics the
 * services write as CloudWatch embedded metric format (shared/src/adapters/aws/emf-metrics.ts:
 * `JobsSettled`, `JobsFailed` and `JobsFailed` per `ErrorCode`, `TimeToFirstDelta`,
 * `CostUsd`). A code that needs a person pages at once; the rest page when failures become a
 * share of the jobs.
 */
export function jobAlarms(scope: Construct, add: AddAlarm, props: JobAlarmsProps): void {
  const metric = (metricName: string, dimensionsMap?: Record<string, string>) =>
    new cloudwatch.Metric({
      namespace: props.metricNamespace,
      metricName,
      ...(dimensionsMap && { dimensionsMap }),
      period: PERIOD,
      statistic: cloudwatch.Stats.SUM,
    });
  const settledJobs = metric(EMF_METRICS.jobsSettled);
  const failedJobs = metric(EMF_METRICS.jobsFailed);
  const failedWith = (code: string) => metric(EMF_METRICS.jobsFailed, { ErrorCode: code });
  const keys = props.keyVariables.join(' / ');
  const now = {
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };

  // Above all: a provider refusing the key fails every job until a person replaces it.
  add(
    'ProviderAuthFailures',
    failedWith('provider_auth').createAlarm(scope, 'ProviderAuthFailures', {
      alarmDescription:
        `A provider rejected its key (provider_auth, HTTP 401/403): every job on it fails. Put a ` +
        `valid key in its secret (${keys}: aws secretsmanager put-secret-value), then force a new ` +
        'worker deployment so the tasks read it (docs/release.md).',
      threshold: 1,
      ...now,
    }),
  );
  add(
    'ProviderNotConfigured',
    failedWith('provider_not_configured').createAlarm(scope, 'ProviderNotConfigured', {
      alarmDescription:
        `A job asked for a provider that has no key (provider_not_configured): put its key (${keys}) ` +
        'or take it out of llmProviders.',
      threshold: 1,
      ...now,
    }),
  );
  add(
    'ProviderRateLimited',
    failedWith('provider_rate_limited').createAlarm(scope, 'ProviderRateLimited', {
      alarmDescription:
        'Jobs fail because a provider rate limits or its quota is exhausted ' +
        '(provider_rate_limited): raise the account limits or its billing, or lower workerMaxCount.',
      threshold: 5,
      ...now,
    }),
  );
  add(
    'JobFailureRate',
    new cloudwatch.MathExpression({
      label: 'share of settled jobs that failed',
      expression: 'IF(settled >= 10, FILL(failed, 0) / settled, 0)',
      period: PERIOD,
      usingMetrics: { failed: failedJobs, settled: settledJobs },
    }).createAlarm(scope, 'JobFailureRate', {
      alarmDescription:
        'More than 10% of jobs fail (timeouts, provider outages, bad responses): the JobsFailed ' +
        'metric per ErrorCode and the worker logs say which.',
      threshold: 0.1,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );

  add(
    'TimeToFirstDeltaP95',
    new cloudwatch.Metric({
      namespace: props.metricNamespace,
      metricName: EMF_METRICS.timeToFirstDelta,
      period: PERIOD,
      statistic: cloudwatch.Stats.p(95),
    }).createAlarm(scope, 'TimeToFirstDeltaP95', {
      alarmDescription:
        'Students wait long for the first words of an answer (p95 time from the ask to the first ' +
        'delta): a slow provider (its latency, retries, fallbacks) or a backlog (the queue alarms ' +
        'and the dashboard say which).',
      threshold: props.timeToFirstDeltaP95AlarmSeconds ?? 15,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );
  add(
    'CostPerHour',
    new cloudwatch.Metric({
      namespace: props.metricNamespace,
      metricName: EMF_METRICS.costUsd,
      period: Duration.hours(1),
      statistic: cloudwatch.Stats.SUM,
    }).createAlarm(scope, 'CostPerHour', {
      alarmDescription:
        'The model calls of the last hour cost more than expected (CostUsd, by the price table ' +
        'LLM_PRICES): look at CostUsd per Model and at the quota refusals on the dashboard.',
      threshold: props.costPerHourAlarmUsd ?? 5,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );
}
