import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface ServiceAlarmsProps {
  readonly envName: string;
  readonly cluster: ecs.ICluster;
  readonly apiService: ecs.FargateService;
  readonly apiMinTasks: number;
  readonly workerService: ecs.FargateService;
  readonly workerMinTasks: number;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly api: apigw.RestApi;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** A job older than this is about to miss its deadline: alarm at half of JOB_DEADLINE_SECONDS. */
  readonly jobDeadlineSeconds: number;
  /** Backlog at which the worker, even at its maximum size, is falling behind. */
  readonly backlogAlarmThreshold: number;
  /** Fraction of requests (0–1) answered with 5xx that pages someone. */
  readonly errorRateThreshold?: number;
  readonly alarmEmail: string | undefined;
}

/**
 * The alarms that say "jobs are not being answered": dead-lettered jobs, jobs waiting too long,
 * a backlog the worker cannot drain, 5xx at the edge or from the api, and services below their
 * task floor. All notify one SNS topic; an e-mail subscription is added when configured.
 */
export class ServiceAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
  /**
   * The 5xx alarms an api deployment rolls back on. Named literally: a service that lists an
   * alarm by its generated name (a Ref) would wait on the alarm, which may wait on the service.
   */
  readonly deploymentAlarmNames: string[];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const errorRate = props.errorRateThreshold ?? 0.05;
    this.deploymentAlarmNames = [
      `iscoolgpt-${props.envName}-api-5xx-rate`,
      `iscoolgpt-${props.envName}-target-5xx-rate`,
    ];

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `iscoolgpt-${props.envName}-alarms`,
      displayName: `IsCoolGPT ${props.envName} alarms`,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    const notify = new cwActions.SnsAction(this.topic);
    const add = (name: string, alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      this.alarms[name] = alarm;
    };

    // The worker drains the dead-letter queue itself (settling each job as failed), so a message
    // is visible there only for moments: count arrivals instead, and alarm on what stays.
    add(
      'JobsDeadLettered',
      props.deadLetterQueue
        .metricNumberOfMessagesReceived({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.SUM,
        })
        .createAlarm(this, 'JobsDeadLettered', {
          alarmDescription:
            'A message reached the dead-letter queue: a job failed on every delivery (now failed / ' +
            'dead_lettered), or a poison message is being looked at again. Read the worker logs.',
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );
    add(
      'DeadLettersNotDrained',
      new cloudwatch.MathExpression({
        label: 'messages held in the dead-letter queue',
        expression: 'visible + inFlight',
        period: Duration.minutes(5),
        usingMetrics: {
          visible: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          inFlight: props.deadLetterQueue.metricApproximateNumberOfMessagesNotVisible({
            period: Duration.minutes(5),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
        },
      }).createAlarm(this, 'DeadLettersNotDrained', {
        alarmDescription:
          'Messages stay in the dead-letter queue: the dead-letter consumer is down, or a poison ' +
          'message waits for a person to inspect and delete it.',
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    add(
      'OldestJobAge',
      props.queue
        .metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        })
        .createAlarm(this, 'OldestJobAge', {
          alarmDescription:
            'The oldest queued job has waited half its deadline: workers are down or saturated.',
          threshold: Math.max(60, Math.floor(props.jobDeadlineSeconds / 2)),
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );

    add(
      'Backlog',
      props.queue
        .metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.AVERAGE,
        })
        .createAlarm(this, 'Backlog', {
          alarmDescription:
            'More jobs are waiting than the worker at full size is meant to hold: raise workerMaxCount or find the slowdown.',
          threshold: props.backlogAlarmThreshold,
          evaluationPeriods: 5,
          datapointsToAlarm: 5,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );

    add(
      'Api5xxRate',
      props.api
        .metricServerError({ period: Duration.minutes(1), statistic: cloudwatch.Stats.AVERAGE })
        .createAlarm(this, 'Api5xxRate', {
          alarmName: `iscoolgpt-${props.envName}-api-5xx-rate`,
          alarmDescription: `More than ${errorRate * 100}% of API Gateway responses are 5xx (includes 504 integration timeouts).`,
          threshold: errorRate,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );

    const period = Duration.minutes(1);
    const target5xxRate = new cloudwatch.MathExpression({
      label: 'api target 5xx rate',
      expression: 'IF(requests > 0, errors / requests, 0)',
      period,
      usingMetrics: {
        errors: props.loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
          period,
          statistic: cloudwatch.Stats.SUM,
        }),
        requests: props.loadBalancer.metrics.requestCount({
          period,
          statistic: cloudwatch.Stats.SUM,
        }),
      },
    });
    add(
      'Target5xxRate',
      target5xxRate.createAlarm(this, 'Target5xxRate', {
        alarmName: `iscoolgpt-${props.envName}-target-5xx-rate`,
        alarmDescription: `More than ${errorRate * 100}% of requests reaching the api tasks end in 5xx.`,
        threshold: errorRate,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    add(
      'UnhealthyApiTargets',
      props.targetGroup.metrics
        .unhealthyHostCount({ period, statistic: cloudwatch.Stats.MAXIMUM })
        .createAlarm(this, 'UnhealthyApiTargets', {
          alarmDescription: 'An api task fails the ALB health check on /health.',
          threshold: 0,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );

    const runningTasks = (service: ecs.FargateService) =>
      new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: {
          ClusterName: props.cluster.clusterName,
          ServiceName: service.serviceName,
        },
        period,
        statistic: cloudwatch.Stats.MINIMUM,
      });
    for (const [name, service, floor] of [
      ['ApiTasksBelowFloor', props.apiService, props.apiMinTasks],
      ['WorkerTasksBelowFloor', props.workerService, props.workerMinTasks],
    ] as const) {
      add(
        name,
        runningTasks(service).createAlarm(this, name, {
          alarmDescription: `Fewer tasks are running than the service's floor of ${floor}: tasks are crashing or cannot start.`,
          threshold: floor,
          evaluationPeriods: 5,
          datapointsToAlarm: 5,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          // No data means Container Insights saw no task at all.
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        }),
      );
    }
  }
}
