import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface QueueDepthScalingProps {
  readonly service: ecs.FargateService;
  readonly cluster: ecs.ICluster;
  readonly queue: sqs.IQueue;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Visible messages one task may leave waiting: roughly concurrency × acceptable wait / job time. */
  readonly backlogPerTaskTarget: number;
}

/** Application Auto Scaling takes at most this many steps in one policy. */
const MAX_STEPS = 20;

/**
 * The worker's task count from the jobs queue's depth alone: `tasks = ⌈visible messages ÷
 * backlogPerTaskTarget⌉`, between the floor and the ceiling. That is what target tracking on
 * "backlog per task" converges to, without dividing by a running-task count (Container Insights,
 * billed per metric): a step policy sets the exact count for each band of backlog.
 *
 * - Out (and down while a backlog remains): backlog ≥ one task's share for 2 minutes sets the
 *   count the backlog needs, every minute it lasts.
 * - In to the floor: backlog below one task's share for 10 minutes, or no data (an idle queue
 *   stops reporting).
 *
 * Scale-in never kills a job mid-call: the worker marks its task protected through the ECS agent
 * while it holds a job (see WorkerService), and ECS only stops unprotected tasks.
 */
export class QueueDepthScaling extends Construct {
  readonly scalableTarget: appscaling.ScalableTarget;
  /** Visible messages in the jobs queue, the one metric both policies read. */
  readonly backlog: cloudwatch.Metric;
  readonly scaleOut: appscaling.StepScalingAction | undefined;
  readonly scaleIn: appscaling.StepScalingAction;

  constructor(scope: Construct, id: string, props: QueueDepthScalingProps) {
    super(scope, id);
    const { minCapacity, maxCapacity, backlogPerTaskTarget: share } = props;

    this.scalableTarget = new appscaling.ScalableTarget(this, 'Target', {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      resourceId: `service/${props.cluster.clusterName}/${props.service.serviceName}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity,
      maxCapacity,
      // The service-linked role ECS scaling uses anyway (as BaseService.autoScaleTaskCount does).
      role: iam.Role.fromRoleArn(
        this,
        'ScalingRole',
        props.service.stack.formatArn({
          service: 'iam',
          region: '',
          resource: 'role/aws-service-role/ecs.application-autoscaling.amazonaws.com',
          resourceName: 'AWSServiceRoleForApplicationAutoScaling_ECSService',
        }),
      ),
    });

    this.backlog = props.queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.AVERAGE,
    });

    const exactCapacity = (name: string, cooldown: Duration) =>
      new appscaling.StepScalingAction(this, name, {
        scalingTarget: this.scalableTarget,
        adjustmentType: appscaling.AdjustmentType.EXACT_CAPACITY,
        metricAggregationType: appscaling.MetricAggregationType.AVERAGE,
        cooldown,
      });

    if (maxCapacity > 1) {
      this.scaleOut = exactCapacity('ScaleOut', Duration.minutes(1));
      // Bounds are relative to the alarm threshold (one share): a backlog in
      // [(k − 1)·share, k·share) needs k tasks; the last step takes everything above to the ceiling.
      const last = Math.min(maxCapacity, MAX_STEPS + 1);
      for (let tasks = 2; tasks <= last; tasks++) {
        this.scaleOut.addAdjustment({
          adjustment: tasks === last ? maxCapacity : tasks,
          lowerBound: (tasks - 2) * share,
          ...(tasks === last ? {} : { upperBound: (tasks - 1) * share }),
        });
      }
      this.backlog
        .createAlarm(this, 'BacklogHigh', {
          alarmDescription: `Scaling (no one is paged): ${share} or more jobs waiting; the worker takes one task per ${share}.`,
          threshold: share,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(new StepScalingAlarmAction(this.scaleOut));
    }

    this.scaleIn = exactCapacity('ScaleIn', Duration.minutes(5));
    this.scaleIn.addAdjustment({ adjustment: minCapacity, upperBound: 0 });
    this.backlog
      .createAlarm(this, 'BacklogLow', {
        alarmDescription: `Scaling (no one is paged): fewer than ${share} jobs waiting for 10 minutes; back to the floor of ${minCapacity}.`,
        threshold: share,
        evaluationPeriods: 10,
        datapointsToAlarm: 10,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // An idle queue stops reporting: nothing waits, so the floor is enough.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      })
      .addAlarmAction(new StepScalingAlarmAction(this.scaleIn));
  }
}

/** An alarm action that runs a step scaling policy (what StepScalingPolicy wires internally). */
class StepScalingAlarmAction implements cloudwatch.IAlarmAction {
  constructor(private readonly action: appscaling.StepScalingAction) {}

  bind(): cloudwatch.AlarmActionConfig {
    return { alarmActionArn: this.action.scalingPolicyArn };
  }
}
