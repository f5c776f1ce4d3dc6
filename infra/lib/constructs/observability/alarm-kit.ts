import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** Registers an alarm under a name: it notifies the alarm topic (on ALARM and on OK). */
export type AddAlarm = (name: string, alarm: cloudwatch.Alarm) => void;

/**
 * The CloudWatch namespace of one environment's own metrics: what the services write
 * (CLOUDWATCH_METRICS_NAMESPACE) and the log metric filters add, so two environments in one
 * account never add up.
 */
export const metricNamespace = (envName: string) => `IsCoolGPT/${envName}`;
