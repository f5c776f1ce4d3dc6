import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { AddAlarm } from './alarm-kit.js';

export interface EdgeAlarmsProps {
  readonly envName: string;
  readonly api: apigw.RestApi;
  /** The stage's access-log group (JSON lines with `status`), where 429s are counted. */
  readonly accessLogGroup: logs.ILogGroup;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The api's task floor: fewer healthy targets than this for 5 minutes pages someone. */
  readonly apiMinTasks: number;
  /** Namespace of the metrics the stack derives from its logs. */
  readonly metricNamespace: string;
  /** Fraction of requests (0–1) answered with 5xx that pages someone. */
  readonly errorRateThreshold?: number;
}

/** Below this many requests a minute, a rate says nothing (2 refusals out of 3 is not a trend). */
const MIN_REQUESTS_FOR_A_RATE = 20;
const PERIOD = Duration.minutes(1);

/**
 * `part ÷ whole` per minute. `minRequests` keeps a handful of requests from making a rate (2
 * refusals out of 3 is not a trend); the 5xx rate a deployment rolls back on takes any request.
 */
function rate(
  label: string,
  part: cloudwatch.IMetric,
  whole: cloudwatch.IMetric,
  minRequests = MIN_REQUESTS_FOR_A_RATE,
) {
  return new cloudwatch.MathExpression({
    label,
    expression:
      minRequests > 1
        ? `IF(requests >= ${minRequests}, FILL(part, 0) / requests, 0)`
        : 'IF(requests > 0, FILL(part, 0) / requests, 0)',
    period: PERIOD,
    usingMetrics: { part, requests: whole },
  });
}

/** The 429s counted from the gateway's access log (API Gateway has no metric of its own). */
export const THROTTLED_REQUESTS = 'ThrottledRequests';

/**
 * What clients see going wrong at the edge: 5xx from API Gateway and from the api tasks (the api
 * deployment rolls back on both), 4xx and 429 rates, and api targets unhealthy or missing.
 */
export function edgeAlarms(scope: Construct, add: AddAlarm, props: EdgeAlarmsProps): string[] {
  const errorRate = props.errorRateThreshold ?? 0.05;
  const sum = { period: PERIOD, statistic: cloudwatch.Stats.SUM };
  const requests = props.api.metricCount(sum);
  const deploymentAlarmNames = [
    `iscoolgpt-${props.envName}-api-5xx-rate`,
    `iscoolgpt-${props.envName}-target-5xx-rate`,
  ];
  const rateAlarm = {
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };

  add(
    'Api5xxRate',
    props.api
      .metricServerError({ period: PERIOD, statistic: cloudwatch.Stats.AVERAGE })
      .createAlarm(scope, 'Api5xxRate', {
        alarmName: deploymentAlarmNames[0],
        alarmDescription: `More than ${errorRate * 100}% of API Gateway responses are 5xx (includes 504 integration timeouts).`,
        threshold: errorRate,
        ...rateAlarm,
      }),
  );
  add(
    'Target5xxRate',
    rate(
      'api target 5xx rate',
      props.loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, sum),
      props.loadBalancer.metrics.requestCount(sum),
      1,
    ).createAlarm(scope, 'Target5xxRate', {
      alarmName: deploymentAlarmNames[1],
      alarmDescription: `More than ${errorRate * 100}% of requests reaching the api tasks end in 5xx.`,
      threshold: errorRate,
      ...rateAlarm,
    }),
  );

  add(
    'Api4xxRate',
    rate('4xx rate', props.api.metricClientError(sum), requests).createAlarm(scope, 'Api4xxRate', {
      alarmDescription:
        'More than 20% of requests are refused with 4xx: a client release sending bad requests, a ' +
        'revoked or missing API key, or someone probing. The access logs name the paths.',
      threshold: 0.2,
      ...rateAlarm,
    }),
  );

  // API Gateway has no metric of its own for 429: count them in the access log.
  const throttled = new logs.MetricFilter(scope, 'ThrottledRequestsFilter', {
    logGroup: props.accessLogGroup,
    filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
    metricNamespace: props.metricNamespace,
    metricName: THROTTLED_REQUESTS,
    metricValue: '1',
  });
  add(
    'ThrottledRate',
    rate('429 rate', throttled.metric(sum), requests).createAlarm(scope, 'ThrottledRate', {
      alarmDescription:
        'More than 5% of requests are throttled (429) by a usage plan or the stage: the page ' +
        "key's plan is too small for the load (webThrottleRateLimit, webQuotaPerDay), or one " +
        'client is flooding. Students retry with back-off, but they wait.',
      threshold: 0.05,
      ...rateAlarm,
    }),
  );

  add(
    'UnhealthyApiTargets',
    props.targetGroup.metrics
      .unhealthyHostCount({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(scope, 'UnhealthyApiTargets', {
        alarmDescription: 'An api task fails the ALB health check on /health.',
        threshold: 0,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
  );
  add(
    'ApiTargetsBelowFloor',
    props.targetGroup.metrics
      .healthyHostCount({ period: PERIOD, statistic: cloudwatch.Stats.MINIMUM })
      .createAlarm(scope, 'ApiTargetsBelowFloor', {
        alarmDescription: `Fewer healthy api tasks than the floor of ${props.apiMinTasks}: tasks are crashing or cannot start.`,
        threshold: props.apiMinTasks,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // The ALB reports every minute while it exists: no data means no target at all.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
  );
  return deploymentAlarmNames;
}
