import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';

export interface ServicesClusterProps {
  readonly envName: string;
  readonly vpc: ec2.IVpc;
}

/**
 * The ECS cluster both services run in. Container Insights is on: besides CPU and memory it
 * publishes RunningTaskCount, which the worker's backlog-per-task scaling divides by.
 */
export class ServicesCluster extends Construct {
  readonly cluster: ecs.Cluster;

  constructor(scope: Construct, id: string, props: ServicesClusterProps) {
    super(scope, id);
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: `iscoolgpt-${props.envName}`,
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      // FARGATE and FARGATE_SPOT, for the worker's capacity provider strategy.
      enableFargateCapacityProviders: true,
    });
  }
}
