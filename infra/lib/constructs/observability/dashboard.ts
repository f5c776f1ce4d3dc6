import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

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
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: props.alarms,
        width: 12,
      }),
    );
  }
}
