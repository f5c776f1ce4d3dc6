import { RemovalPolicy, Size } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ServiceSizing } from '../../config.js';
import { acknowledge } from '../../nag.js';
import type { TaskPlacement } from '../network/network.js';

/**
 * What the api and the worker share on Fargate, in one place: Linux tasks on the CPU architecture
 * their image is built for, a read-only root filesystem with a writable /tmp, non-blocking logs
 * to the service's own group, rolling deployments with the circuit breaker, private subnets only.
 */
export function fargateTaskDefinition(
  scope: Construct,
  sizing: ServiceSizing,
  cpuArchitecture: ecs.CpuArchitecture,
) {
  return new ecs.FargateTaskDefinition(scope, 'Task', {
    cpu: sizing.cpu,
    memoryLimitMiB: sizing.memoryMiB,
    runtimePlatform: {
      cpuArchitecture,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    },
    volumes: [{ name: 'tmp' }],
  });
}

export function containerBasics(props: {
  repository: ecr.IRepository;
  imageTag: string;
  logGroup: logs.ILogGroup;
  name: string;
}) {
  return {
    image: ecs.ContainerImage.fromEcrRepository(props.repository, props.imageTag),
    essential: true,
    readonlyRootFilesystem: true,
    // Non-blocking: the services write log lines to stdout synchronously, so if CloudWatch Logs
    // stalls, the driver buffers (and past the buffer, drops lines) instead of blocking the task.
    logging: ecs.LogDrivers.awsLogs({
      logGroup: props.logGroup,
      streamPrefix: props.name,
      mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      maxBufferSize: Size.mebibytes(25),
    }),
  };
}

/** A service's own log group: kept on delete and replacement, removed only if its create rolls back. */
export function serviceLogGroup(scope: Construct, retention: logs.RetentionDays): logs.LogGroup {
  return new logs.LogGroup(scope, 'Logs', {
    retention,
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  });
}

/** The one wildcard CDK gives every task's execution role, and why it stays. */
export function acknowledgeExecutionRole(taskDefinition: ecs.TaskDefinition): void {
  acknowledge(taskDefinition.obtainExecutionRole(), {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Only ecr:GetAuthorizationToken has Resource "*": the action has no resource-level ' +
      'permissions. Image pulls and log writes are scoped to this repository and log group.',
  });
}

/** The root filesystem is read-only; /tmp stays writable for libraries that expect it. */
export function mountWritableTmp(container: ecs.ContainerDefinition): void {
  container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
}

/**
 * Service settings both share. `placement` is the network's: private subnets behind NAT, or
 * public subnets with a public address (egress only: no security group admits the internet).
 */
export function serviceBasics(placement: TaskPlacement) {
  return {
    // No desiredCount: the scalable target's minimum sets the floor, and a deploy does not
    // reset a scaled-out fleet back to it.
    minHealthyPercent: 100,
    maxHealthyPercent: 200,
    circuitBreaker: { enable: true, rollback: true },
    vpcSubnets: placement.vpcSubnets,
    assignPublicIp: placement.assignPublicIp,
    enableExecuteCommand: false,
    // Tasks carry the service's tags (project, environment) and ECS's own cluster/service tags,
    // so Cost Explorer splits Fargate spend by environment and service.
    propagateTags: ecs.PropagatedTagSource.SERVICE,
    enableECSManagedTags: true,
  };
}
