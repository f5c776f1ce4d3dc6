import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** Registers an alarm under a name: it notifies the alarm topic (on ALARM and on OK). */
export type AddAlarm = (name: string, alarm: cloudwatch.Alarm) => void;
