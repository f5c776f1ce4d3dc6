import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface BacklogPerTaskScalingProps {
  readonly service: ecs.FargateService;
  readonly cluster: ecs.ICluster;
  readonly queue: sqs.IQueue;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Visible messages per running task to hold: roughly concurrency × acceptable wait / job time. */
  readonly backlogPerTaskTarget: number;
}

/**
 * Target tracking on "backlog per task" (visible messages ÷ running tasks), the metric AWS
 * recommends for queue workers: the plain queue depth scales the same whether one task or ten
 * are draining it. The L2 policy takes one metric only, so the metric-math policy is written
 * with the L1 resource on an L2 scalable target.
 *
 * Scale-in never kills a job mid-call: the worker marks its task protected through the ECS
 * agent's task-protection endpoint while it holds a job (see WorkerService), and ECS only
 * stops unprotected tasks when the desired count drops.
 */
export class BacklogPerTaskScaling extends Construct {
  readonly scalableTarget: appscaling.ScalableTarget;
  readonly policy: appscaling.CfnScalingPolicy;

  constructor(scope: Construct, id: string, props: BacklogPerTaskScalingProps) {
    super(scope, id);

    this.scalableTarget = new appscaling.ScalableTarget(this, 'Target', {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      resourceId: `service/${props.cluster.clusterName}/${props.service.serviceName}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
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

    this.policy = new appscaling.CfnScalingPolicy(this, 'BacklogPerTask', {
      policyName: `${props.service.stack.stackName}-worker-backlog-per-task`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: this.scalableTarget.scalableTargetId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.backlogPerTaskTarget,
        scaleOutCooldown: Duration.minutes(1).toSeconds(),
        scaleInCooldown: Duration.minutes(5).toSeconds(),
        customizedMetricSpecification: {
          metrics: [
            {
              id: 'backlog',
              label: 'Visible messages in the jobs queue',
              returnData: false,
              metricStat: {
                stat: 'Average',
                metric: {
                  namespace: 'AWS/SQS',
                  metricName: 'ApproximateNumberOfMessagesVisible',
                  dimensions: [{ name: 'QueueName', value: props.queue.queueName }],
                },
              },
            },
            {
              id: 'tasks',
              label: 'Running worker tasks',
              returnData: false,
              metricStat: {
                stat: 'Average',
                metric: {
                  namespace: 'ECS/ContainerInsights',
                  metricName: 'RunningTaskCount',
                  dimensions: [
                    { name: 'ClusterName', value: props.cluster.clusterName },
                    { name: 'ServiceName', value: props.service.serviceName },
                  ],
                },
              },
            },
            {
              id: 'backlogPerTask',
              label: 'Backlog per worker task',
              // With no running task the whole backlog counts, so the service still scales out.
              expression: 'IF(tasks > 0, backlog / tasks, backlog)',
              returnData: true,
            },
          ],
        },
      },
    });
  }
}
