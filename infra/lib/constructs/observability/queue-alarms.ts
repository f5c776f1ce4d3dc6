import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { AddAlarm } from './alarm-kit.js';

export interface QueueAlarmsProps {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** A job older than this is about to miss its deadline: alarm at half of JOB_DEADLINE_SECONDS. */
  readonly jobDeadlineSeconds: number;
  /** Backlog at which the worker, even at its maximum size, is falling behind. */
  readonly backlogAlarmThreshold: number;
}

/** Jobs not being answered: dead-lettered, waiting too long, or more than the fleet can hold. */
export function queueAlarms(scope: Construct, add: AddAlarm, props: QueueAlarmsProps): void {
  // The worker drains the dead-letter queue itself (settling each job as failed), so a message
  // is visible there only for moments: count arrivals instead, and alarm on what stays.
  add(
    'JobsDeadLettered',
    props.deadLetterQueue
      .metricNumberOfMessagesReceived({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      })
      .createAlarm(scope, 'JobsDeadLettered', {
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
    }).createAlarm(scope, 'DeadLettersNotDrained', {
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
      .createAlarm(scope, 'OldestJobAge', {
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
      .createAlarm(scope, 'Backlog', {
        alarmDescription:
          'More jobs are waiting than the worker at full size is meant to hold: raise workerMaxCount or find the slowdown.',
        threshold: props.backlogAlarmThreshold,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
  );
}
