import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { JobEventsCache } from '../cache/job-events-cache.js';
import type { AddAlarm } from './alarm-kit.js';

export interface CapacityAlarmsProps {
  readonly eventsCache: JobEventsCache;
  readonly table: dynamodb.ITable;
}

/** A store refusing work: the job events cache at its ECPU ceiling, the jobs table throttling. */
export function capacityAlarms(scope: Construct, add: AddAlarm, props: CapacityAlarmsProps): void {
  const minute = Duration.minutes(1);
  add(
    'EventsCacheThrottled',
    props.eventsCache.metricThrottledCommands(minute).createAlarm(scope, 'EventsCacheThrottled', {
      alarmDescription:
        'The job events cache is throttling commands: streams stall or fall back to polling. It ' +
        'reached its ECPU ceiling (eventsCacheMaxEcpuPerSecond, sized from the worker ceiling) or ' +
        'load grew faster than it scales.',
      threshold: 1,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );

  const period = Duration.minutes(5);
  const sum = { period, statistic: cloudwatch.Stats.SUM };
  add(
    'TableThrottled',
    new cloudwatch.MathExpression({
      label: 'throttled reads and writes on the jobs table',
      expression: 'FILL(reads, 0) + FILL(writes, 0)',
      period,
      usingMetrics: {
        reads: props.table.metric('ReadThrottleEvents', sum),
        writes: props.table.metric('WriteThrottleEvents', sum),
      },
    }).createAlarm(scope, 'TableThrottled', {
      alarmDescription:
        'The jobs table throttles reads or writes (an on-demand table above twice its previous ' +
        'peak, or a hot key): asks and settles are retried and slow down, then fail.',
      threshold: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );
}
