import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  API_CONTAINER_PORT,
  API_STOP_TIMEOUT_SECONDS,
  type AppSettings,
  type ServiceSizing,
} from '../../config.js';
import type { JobsTable } from '../data/jobs-table.js';
import { acknowledge } from '../../nag.js';
import type { TaskPlacement } from '../network/network.js';
import { containerEnvironment } from './container-environment.js';
import { addTraceCollector } from './trace-collector.js';
import {
  acknowledgeExecutionRole,
  containerBasics,
  fargateTaskDefinition,
  mountWritableTmp,
  serviceBasics,
  serviceLogGroup,
} from './fargate-basics.js';

export interface ApiServiceProps {
  readonly cluster: ecs.ICluster;
  readonly placement: TaskPlacement;
  readonly repository: ecr.IRepository;
  readonly imageTag: string;
  readonly sizing: ServiceSizing;
  readonly app: AppSettings;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly jobsTable: JobsTable;
  /** REDIS_URL of the job events cache. */
  readonly redisUrl: string;
  /** CLOUDWATCH_METRICS_NAMESPACE: where the service's metrics go. */
  readonly metricNamespace: string;
  /** The internal ALB's target group; the service registers its tasks in it. */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly logRetention: logs.RetentionDays;
  /** Origins browsers may call from; the api answers CORS for them (API Gateway answers preflights). */
  readonly corsAllowOrigins: string[];
  /**
   * The API Gateway stage in front: its VPC-link integration may keep the stage in the path
   * (`/dev/api/v1/ask`), which the api then answers as the path without it (API_STAGE).
   */
  readonly apiStage: string;
  /** Average CPU the service scales to hold. */
  readonly cpuTargetPercent?: number;
  /** Requests per task per minute the service scales to hold. */
  readonly requestsPerTarget?: number;
}

/**
 * The HTTP api on Fargate: accepts questions, enqueues jobs, answers job lookups. It may send to
 * the jobs queue and read and write the jobs table; it never reads the provider secret.
 */
export class ApiService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);

    this.logGroup = serviceLogGroup(this, props.logRetention);

    // Graviton: about 20 % less per vCPU-hour than x86 on Fargate; the api image is built for
    // linux/arm64 (deploy.yml builds each image for its service's architecture).
    this.taskDefinition = fargateTaskDefinition(this, props.sizing, ecs.CpuArchitecture.ARM64);

    const stack = this.taskDefinition.stack;
    const container = this.taskDefinition.addContainer('api', {
      ...containerBasics({ ...props, logGroup: this.logGroup, name: 'api' }),
      portMappings: [{ containerPort: API_CONTAINER_PORT, protocol: ecs.Protocol.TCP }],
      environment: {
        ...containerEnvironment({
          region: stack.region,
          app: props.app,
          queue: props.queue,
          deadLetterQueue: props.deadLetterQueue,
          table: props.jobsTable.table,
          redisUrl: props.redisUrl,
          metricNamespace: props.metricNamespace,
        }),
        PORT: String(API_CONTAINER_PORT),
        CORS_ALLOWED_ORIGINS: props.corsAllowOrigins.join(','),
        API_STAGE: props.apiStage,
        // Leaves the process time to finish a 25 s wait before ECS sends SIGKILL.
        SHUTDOWN_TIMEOUT_SECONDS: String(API_STOP_TIMEOUT_SECONDS - 3),
      },
      // The image runs node directly and may carry neither curl nor wget: probe with node itself.
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${API_CONTAINER_PORT}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
      stopTimeout: Duration.seconds(API_STOP_TIMEOUT_SECONDS),
    });
    mountWritableTmp(container);
    addTraceCollector(this.taskDefinition, this.logGroup);

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      ...serviceBasics(props.placement),
      healthCheckGracePeriod: Duration.seconds(30),
    });

    // Least privilege: enqueue jobs, create and read them. No receive, no secret.
    props.queue.grantSendMessages(this.taskDefinition.taskRole);
    props.jobsTable.grantSubmitAndRead(this.taskDefinition.taskRole);

    this.service.attachToApplicationTargetGroup(props.targetGroup);
    this.service.connections.allowFrom(
      props.loadBalancer,
      ec2.Port.tcp(API_CONTAINER_PORT),
      'internal ALB to api tasks',
    );

    const scaling = this.service.autoScaleTaskCount({
      minCapacity: props.sizing.desiredCount,
      maxCapacity: props.sizing.maxCount,
    });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.cpuTargetPercent ?? 60,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
    scaling.scaleOnRequestCount('Requests', {
      targetGroup: props.targetGroup,
      requestsPerTarget: props.requestsPerTarget ?? 600,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });

    acknowledgeExecutionRole(this.taskDefinition);
    acknowledge(this.taskDefinition, {
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only non-secret settings (queue URLs, table name, timeouts, ' +
        'model names) that shared/src/config.ts parses; the api reads no secret at all.',
    });
  }
}
