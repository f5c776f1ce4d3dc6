import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { acknowledge } from '../../nag.js';

export interface ServicesClusterProps {
  readonly envName: string;
  readonly vpc: ec2.IVpc;
}

/**
 * The ECS cluster both services run in. Container Insights stays off: it bills every metric it
 * publishes (about $18 a month for this cluster), and nothing here needs it. The worker scales on
 * the queue's depth alone, the api's floor is watched through the ALB's healthy targets, a
 * service that cannot keep its tasks running reaches the alarm topic as an ECS event, and the
 * free per-service CPU and memory metrics remain.
 */
export class ServicesCluster extends Construct {
  readonly cluster: ecs.Cluster;

  constructor(scope: Construct, id: string, props: ServicesClusterProps) {
    super(scope, id);
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: `iscoolgpt-${props.envName}`,
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.DISABLED,
      // FARGATE and FARGATE_SPOT, for the worker's capacity provider strategy.
      enableFargateCapacityProviders: true,
    });
    acknowledge(this.cluster, {
      id: 'AwsSolutions-ECS4',
      reason:
        'Container Insights bills each metric it publishes; scaling reads the queue depth, the ' +
        'api floor is alarmed on ALB healthy targets, task start failures arrive as ECS events, ' +
        'and the per-service CPU and memory metrics ECS publishes for free remain.',
    });
  }
}
