import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { AddAlarm } from './alarm-kit.js';
import { SETTLED_JOB_LOG } from './settled-job-log.js';

export interface JobAlarmsProps {
  /** The worker's log group, where it writes one `job settled` line per job it settles. */
  readonly workerLogGroup: logs.ILogGroup;
  /** Namespace of the metrics the stack derives from its logs. */
  readonly metricNamespace: string;
  /** The secret variables of the providers in the chain, named in the alarm texts. */
  readonly keyVariables: string[];
}

const PERIOD = Duration.minutes(5);

/**
 * Failed jobs by error code, counted from the worker's structured `job settled` lines by log
 * metric filters (no code change in the worker, and nothing published while idle):
 * `JobsSettled`, `JobsFailed`, and `JobsFailed` per `ErrorCode`. A code that needs a person
 * pages at once; the rest page when failures become a share of the jobs.
 */
export function jobAlarms(scope: Construct, add: AddAlarm, props: JobAlarmsProps): void {
  const settled = logs.FilterPattern.stringValue('$.msg', '=', SETTLED_JOB_LOG.settled.msg);
  const failed = logs.FilterPattern.all(
    settled,
    logs.FilterPattern.stringValue('$.status', '=', SETTLED_JOB_LOG.failed.status),
  );
  const filter = (id: string, pattern: logs.IFilterPattern, metricName: string, byCode = false) =>
    new logs.MetricFilter(scope, id, {
      logGroup: props.workerLogGroup,
      filterPattern: pattern,
      metricNamespace: props.metricNamespace,
      metricName,
      metricValue: '1',
      ...(byCode ? { dimensions: { ErrorCode: `$.${SETTLED_JOB_LOG.codeField}` } } : {}),
    });
  const sum = { period: PERIOD, statistic: cloudwatch.Stats.SUM };
  const settledJobs = filter('JobsSettledFilter', settled, 'JobsSettled').metric(sum);
  const failedJobs = filter('JobsFailedFilter', failed, 'JobsFailed').metric(sum);
  filter('JobsFailedByCodeFilter', failed, 'JobsFailed', true);
  const failedWith = (code: string) =>
    new cloudwatch.Metric({
      namespace: props.metricNamespace,
      metricName: 'JobsFailed',
      dimensionsMap: { ErrorCode: code },
      ...sum,
    });
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
}
