import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EMF_METRICS } from '../../shared-resources.js';
import { THROTTLED_REQUESTS } from './edge-alarms.js';

export interface ServiceDashboardProps {
  readonly envName: string;
  readonly apiService: ecs.FargateService;
  readonly workerService: ecs.FargateService;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly api: apigw.RestApi;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly alarms: cloudwatch.Alarm[];
  /** Where the services' own metrics are (CLOUDWATCH_METRICS_NAMESPACE). */
  readonly metricNamespace: string;
}

/** One page that follows a job: edge traffic, the queue, the worker fleet, failures. */
export class ServiceDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(1);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `iscoolgpt-${props.envName}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API Gateway requests and errors',
        left: [props.api.metricCount({ period, statistic: cloudwatch.Stats.SUM })],
        right: [
          props.api.metricClientError({ period, statistic: cloudwatch.Stats.SUM }),
          props.api.metricServerError({ period, statistic: cloudwatch.Stats.SUM }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Latency (p50, p99) — the api waits at most 25 s',
        left: [
          props.api.metricLatency({ period, statistic: cloudwatch.Stats.p(50) }),
          props.api.metricLatency({ period, statistic: cloudwatch.Stats.p(99) }),
          props.loadBalancer.metrics.targetResponseTime({
            period,
            statistic: cloudwatch.Stats.p(99),
          }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Jobs queue',
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible({ period, label: 'waiting' }),
          props.queue.metricApproximateNumberOfMessagesNotVisible({ period, label: 'in flight' }),
        ],
        right: [
          props.queue.metricApproximateAgeOfOldestMessage({
            period,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'oldest (s)',
          }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Healthy api tasks and dead letters',
        left: [
          props.targetGroup.metrics.healthyHostCount({
            period,
            statistic: cloudwatch.Stats.MINIMUM,
            label: 'healthy api tasks',
          }),
        ],
        right: [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'dead letters',
          }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'CPU utilization',
        left: [
          props.apiService.metricCpuUtilization({ period, label: 'api' }),
          props.workerService.metricCpuUtilization({ period, label: 'worker' }),
        ],
        width: 12,
      }),
      ...usageWidgets(props),
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: props.alarms,
        width: 12,
      }),
    );
  }
}

/**
 * What the answers cost and how students fare, from the services' own metrics: cost per hour,
 * failed jobs by error code, the p95 time to a first delta, quota refusals by limit, and the
 * 4xx and 429 rates at the gateway.
 */
function usageWidgets(props: ServiceDashboardProps): cloudwatch.IWidget[] {
  const namespace = props.metricNamespace;
  const ours = (metricName: string, statistic: string, period: Duration, label: string) =>
    new cloudwatch.Metric({ namespace, metricName, statistic, period, label });
  // Every value of the dimension that occurs (error codes, models, limits), none listed here.
  const byDimension = (metricName: string, dimension: string, period = Duration.minutes(5)) =>
    new cloudwatch.MathExpression({
      expression: `SEARCH('{${namespace},${dimension}} MetricName="${metricName}"', 'Sum', ${period.toSeconds()})`,
      label: '',
      period,
    });
  const minute = Duration.minutes(1);
  const requests = props.api.metricCount({ period: minute, statistic: cloudwatch.Stats.SUM });
  // Each rate names its counts apart: one graph may not give two metrics the same id.
  const rate = (metric: cloudwatch.IMetric, id: string, label: string) =>
    new cloudwatch.MathExpression({
      expression: `IF(all${id} > 0, 100 * FILL(${id}, 0) / all${id}, 0)`,
      usingMetrics: { [id]: metric, [`all${id}`]: requests },
      label,
      period: minute,
    });
  return [
    new cloudwatch.GraphWidget({
      title: 'Model cost per hour (USD, by the price table)',
      left: [ours(EMF_METRICS.costUsd, cloudwatch.Stats.SUM, Duration.hours(1), 'USD per hour')],
      right: [byDimension(EMF_METRICS.costUsd, 'Model', Duration.hours(1))],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Failed jobs by error code (provider_auth: a revoked key)',
      left: [byDimension(EMF_METRICS.jobsFailed, 'ErrorCode')],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Time to the first delta (s), p50 and p95',
      left: [
        ours(EMF_METRICS.timeToFirstDelta, cloudwatch.Stats.p(50), minute, 'p50'),
        ours(EMF_METRICS.timeToFirstDelta, cloudwatch.Stats.p(95), minute, 'p95'),
      ],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Quota refusals by limit, and asks let through unchecked',
      left: [byDimension(EMF_METRICS.quotaDenied, 'Code')],
      right: [ours(EMF_METRICS.quotaUnchecked, cloudwatch.Stats.SUM, minute, 'unchecked')],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: '4xx and 429 rate at the gateway (%)',
      left: [
        rate(
          props.api.metricClientError({ period: minute, statistic: cloudwatch.Stats.SUM }),
          'clientErrors',
          '4xx',
        ),
        rate(
          new cloudwatch.Metric({
            namespace,
            metricName: THROTTLED_REQUESTS,
            statistic: cloudwatch.Stats.SUM,
            period: minute,
          }),
          'throttled',
          '429',
        ),
      ],
      width: 12,
    }),
  ];
}
