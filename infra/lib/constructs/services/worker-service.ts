import { ArnFormat, Duration, Stack, type CfnResource } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WORKER_STOP_TIMEOUT_SECONDS, type AppSettings, type ServiceSizing } from '../../config.js';
import type { JobsTable } from '../data/jobs-table.js';
import { acknowledge, wildcardResourceFinding } from '../../nag.js';
import type { TaskPlacement } from '../network/network.js';
import { PROVIDER_SECRETS, type ProviderName } from '../secrets/provider-keys-secret.js';
import { QueueDepthScaling } from './queue-depth-scaling.js';
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

export interface WorkerServiceProps {
  readonly cluster: ecs.ICluster;
  readonly placement: TaskPlacement;
  readonly repository: ecr.IRepository;
  readonly imageTag: string;
  readonly sizing: ServiceSizing & {
    readonly backlogPerTaskTarget: number;
    readonly onDemandBase: number;
  };
  readonly app: AppSettings;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly jobsTable: JobsTable;
  /** REDIS_URL of the job events cache. */
  readonly redisUrl: string;
  /** CLOUDWATCH_METRICS_NAMESPACE: where the service's metrics go. */
  readonly metricNamespace: string;
  /** Every provider's secret; the worker maps those `app.llmProviders` names. */
  readonly providerSecrets: Record<ProviderName, secretsmanager.ISecret>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The queue consumer on Fargate: no inbound port, no load balancer. It may consume the jobs
 * queue (and its dead-letter queue) and update jobs; the provider keys reach it as ECS secrets, which the task's execution
 * role (not the application's task role) reads at start.
 */
export class WorkerService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly logGroup: logs.LogGroup;
  readonly scaling: QueueDepthScaling;
  /** The providers in the chain (LLM_PROVIDERS), each with its key as a container secret. */
  readonly providers: ProviderName[];

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);

    this.logGroup = serviceLogGroup(this, props.logRetention);
    this.providers = configuredProviders(props.app.llmProviders);

    this.taskDefinition = fargateTaskDefinition(this, props.sizing, ecs.CpuArchitecture.X86_64);

    const container = this.taskDefinition.addContainer('worker', {
      ...containerBasics({ ...props, logGroup: this.logGroup, name: 'worker' }),
      environment: {
        ...containerEnvironment({
          region: Stack.of(this).region,
          app: props.app,
          queue: props.queue,
          deadLetterQueue: props.deadLetterQueue,
          table: props.jobsTable.table,
          redisUrl: props.redisUrl,
          metricNamespace: props.metricNamespace,
        }),
        // Stop polling, finish in-flight calls, exit before ECS sends SIGKILL at stopTimeout.
        SHUTDOWN_TIMEOUT_SECONDS: String(WORKER_STOP_TIMEOUT_SECONDS - 10),
        WORKER_LIVENESS_FILE: WORKER_LIVENESS_FILE,
        // Prometheus text at :9464/metrics inside the VPC (as the image sets it).
        METRICS_PORT: String(WORKER_METRICS_PORT),
      },
      // The worker has no port to probe: its poll loops touch a file at least every long poll
      // (20 s) or job heartbeat (40 s); a file older than WORKER_LIVENESS_MAX_AGE_SECONDS means the
      // loops have stalled though the process runs, and ECS replaces the task.
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `const fs = require('node:fs'); try { process.exit(Date.now() - fs.statSync('${WORKER_LIVENESS_FILE}').mtimeMs < ${WORKER_LIVENESS_MAX_AGE_SECONDS * 1000} ? 0 : 1) } catch { process.exit(1) }`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      // Only the providers in the chain: ECS fails a task whose secret has no value yet, so a
      // provider the deployment does not use needs no key written.
      secrets: Object.fromEntries(
        this.providers.map((provider) => [
          PROVIDER_SECRETS[provider].variable,
          ecs.Secret.fromSecretsManager(props.providerSecrets[provider]),
        ]),
      ),
      stopTimeout: Duration.seconds(WORKER_STOP_TIMEOUT_SECONDS),
    });
    mountWritableTmp(container);
    addTraceCollector(this.taskDefinition, this.logGroup);

    // An on-demand base, the rest on Spot (about 70 % cheaper). A Spot reclaim is a SIGTERM with
    // two minutes' notice, the same drain as a scale-in: stop polling, finish the jobs in hand;
    // a job cut short is redelivered after its visibility timeout.
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      ...serviceBasics(props.placement),
      capacityProviderStrategies: [
        { capacityProvider: 'FARGATE', base: props.sizing.onDemandBase, weight: 0 },
        { capacityProvider: 'FARGATE_SPOT', weight: 1 },
      ],
    });
    // The strategy names providers the cluster must already have associated. The association is
    // added to the cluster only at synth time, so the service waits on the whole cluster; cfn-lint's
    // W3005 (the cluster part of that wait is already implied by a Ref) is silenced here alone.
    this.service.node.addDependency(props.cluster);
    (this.service.node.defaultChild as CfnResource).addMetadata('cfn-lint', {
      config: { ignore_checks: ['W3005'] },
    });

    // Least privilege: receive, extend visibility, delete; read and update jobs. No send. The
    // worker also consumes the dead-letter queue, settling each dead-lettered job as failed.
    const taskRole = this.taskDefinition.taskRole;
    props.queue.grantConsumeMessages(taskRole);
    props.deadLetterQueue.grantConsumeMessages(taskRole);
    props.jobsTable.grantProcess(taskRole);

    // Scale-in protection: the worker PUTs $ECS_AGENT_URI/task-protection/v1/state while it holds
    // a job; the agent calls these two APIs with the task role's credentials. Task ids are only
    // known at run time, so the grant is scoped to this cluster's tasks.
    const clusterTasks = Stack.of(this).formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: `${props.cluster.clusterName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const protection = new iam.Policy(this, 'TaskProtection', {
      statements: [
        new iam.PolicyStatement({
          sid: 'OwnTaskScaleInProtection',
          actions: ['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection'],
          resources: [clusterTasks],
        }),
      ],
    });
    protection.attachToRole(taskRole);

    this.scaling = new QueueDepthScaling(this, 'Scaling', {
      service: this.service,
      cluster: props.cluster,
      queue: props.queue,
      minCapacity: props.sizing.desiredCount,
      maxCapacity: props.sizing.maxCount,
      backlogPerTaskTarget: props.sizing.backlogPerTaskTarget,
    });

    acknowledgeExecutionRole(this.taskDefinition);
    acknowledge(this.taskDefinition, {
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only non-secret settings (queue URLs, table name, timeouts, ' +
        'model names); the provider keys are injected from Secrets Manager as container secrets.',
    });
    acknowledge(protection, {
      id: wildcardResourceFinding(protection, clusterTasks),
      reason:
        'Task ARNs exist only once a task runs; the statement is limited to tasks of this ' +
        "cluster and to the two task-protection actions the ECS agent needs to protect the worker's own task.",
    });
  }
}

/** The worker's METRICS_PORT (the image's default too). */
export const WORKER_METRICS_PORT = 9464;

/** On the task's writable /tmp volume (the root filesystem is read-only). */
export const WORKER_LIVENESS_FILE = '/tmp/worker-alive';
/** Several times the longest gap between touches (a 40 s job heartbeat). */
export const WORKER_LIVENESS_MAX_AGE_SECONDS = 150;

/** The providers named in LLM_PROVIDERS (validated by config.ts), in chain order. */
function configuredProviders(llmProviders: string): ProviderName[] {
  return llmProviders
    .split(',')
    .map((name) => name.trim())
    .filter((name): name is ProviderName => name in PROVIDER_SECRETS);
}
