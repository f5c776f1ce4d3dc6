import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_CONTAINER_PORT,
  MAX_SYNC_WAIT_SECONDS,
  WORKER_STOP_TIMEOUT_SECONDS,
} from '../lib/config.js';
import { jobsTable } from '../lib/shared-resources.js';
import {
  WORKER_LIVENESS_FILE,
  WORKER_LIVENESS_MAX_AGE_SECONDS,
} from '../lib/constructs/services/worker-service.js';
import {
  allowedActions,
  onlyResource,
  rolesOf,
  taskDefinitionOf,
  serviceOf,
  statementsOfRole,
  synthesize,
  type Synthesized,
} from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

/** Every variable shared/src/config.ts needs in production, besides the worker's secrets. */
const REQUIRED_ENVIRONMENT = [
  'LOG_LEVEL',
  'AWS_REGION',
  'JOBS_QUEUE_URL',
  'JOBS_TABLE_NAME',
  'JOBS_DLQ_URL',
  'REDIS_URL',
  'REDIS_CLUSTER',
  'JOB_TTL_DAYS',
  'JOB_DEADLINE_SECONDS',
  'SYNC_WAIT_SECONDS',
  'WORKER_CONCURRENCY',
  'LLM_PROVIDERS',
  'OPENAI_MODEL',
  'HF_MODEL',
  'LLM_TIMEOUT_SECONDS',
];

const environmentOf = (container: Record<string, unknown>) =>
  Object.fromEntries(
    (container.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
  );
const serviceRunning = (container: 'api' | 'worker') => serviceOf(app.template, container);

describe('ECS cluster', () => {
  it('has Container Insights off: it bills per metric, and scaling and alarms need none of its metrics', () => {
    app.template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }],
    });
  });
});

describe('both services', () => {
  it('roll a failing deployment back automatically (deployment circuit breaker)', () => {
    for (const container of ['api', 'worker'] as const) {
      expect(
        (serviceRunning(container).resource.Properties.DeploymentConfiguration as object) ?? {},
      ).toMatchObject({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } });
    }
  });

  it('run on Fargate in private subnets without public addresses', () => {
    for (const container of ['api', 'worker'] as const) {
      expect(serviceRunning(container).resource.Properties).toMatchObject({
        NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
      });
    }
    expect(serviceRunning('api').resource.Properties.LaunchType).toBe('FARGATE');
  });

  it('tag their tasks with the service tags and ECS managed tags, so cost splits by environment', () => {
    for (const container of ['api', 'worker'] as const) {
      expect(serviceRunning(container).resource.Properties).toMatchObject({
        PropagateTags: 'SERVICE',
        EnableECSManagedTags: true,
      });
    }
  });

  it('leave the running count to auto scaling, so a deploy does not scale a busy fleet back in', () => {
    for (const container of ['api', 'worker'] as const) {
      expect(serviceRunning(container).resource.Properties.DesiredCount).toBeUndefined();
    }
  });

  it('receive every setting the shared config parses, as plain non-secret values', () => {
    for (const container of ['api', 'worker'] as const) {
      const environment = environmentOf(rolesOf(app.template, container).container);
      for (const name of REQUIRED_ENVIRONMENT) expect(environment).toHaveProperty(name);
      expect(environment.AWS_REGION).toBe(app.config.region);
      expect(Number(environment.SYNC_WAIT_SECONDS)).toBeLessThanOrEqual(MAX_SYNC_WAIT_SECONDS);
    }
  });

  it('each have their own task role', () => {
    expect(rolesOf(app.template, 'api').taskRole).not.toBe(
      rolesOf(app.template, 'worker').taskRole,
    );
  });

  it('ship logs to their own log group', () => {
    const groups = (['api', 'worker'] as const).map((container) => {
      const { container: definition } = rolesOf(app.template, container);
      const log = definition.LogConfiguration as {
        LogDriver: string;
        Options: Record<string, unknown>;
      };
      expect(log.LogDriver).toBe('awslogs');
      // Log writes are synchronous in the services: a stalled driver must not block them.
      expect(log.Options).toMatchObject({ mode: 'non-blocking', 'max-buffer-size': '26214400b' });
      return JSON.stringify(log.Options['awslogs-group']);
    });
    expect(groups[0]).not.toBe(groups[1]);
  });
});

describe('api service', () => {
  it('runs on ARM64 (Graviton), about 20 % cheaper per vCPU-hour than x86', () => {
    const { resource } = taskDefinitionOf(app.template, 'api');
    expect(resource.Properties.RuntimePlatform).toEqual({
      CpuArchitecture: 'ARM64',
      OperatingSystemFamily: 'LINUX',
    });
  });

  it('runs one small task in the lean development profile', () => {
    const dev = synthesize({ profile: 'development' });
    const { resource } = taskDefinitionOf(dev.template, 'api');
    expect(resource.Properties).toMatchObject({ Cpu: '256', Memory: '512' });
    dev.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      ResourceId: Match.objectLike({
        'Fn::Join': [
          '',
          Match.arrayWith([{ 'Fn::GetAtt': [serviceOf(dev.template, 'api').id, 'Name'] }]),
        ],
      }),
    });
  });

  it('rolls a deployment back when the 5xx alarms fire, not only when tasks crash', () => {
    const deployment = serviceRunning('api').resource.Properties.DeploymentConfiguration as {
      Alarms: { AlarmNames: string[]; Enable: boolean; Rollback: boolean };
    };
    expect(deployment.Alarms).toMatchObject({ Enable: true, Rollback: true });
    const names = Object.values(app.template.findResources('AWS::CloudWatch::Alarm'))
      .filter((alarm) => /5xx/i.test(JSON.stringify(alarm.Properties.AlarmDescription)))
      .map((alarm) => alarm.Properties.AlarmName as string);
    expect(names).toHaveLength(2);
    expect([...deployment.Alarms.AlarmNames].sort()).toEqual(names.sort());
  });

  it('listens on port 8000 and registers in the ALB target group on that port', () => {
    const { container } = rolesOf(app.template, 'api');
    expect(container.PortMappings).toEqual([
      { ContainerPort: API_CONTAINER_PORT, Protocol: 'tcp' },
    ]);
    expect(environmentOf(container).PORT).toBe(String(API_CONTAINER_PORT));
    expect(serviceRunning('api').resource.Properties.LoadBalancers).toEqual([
      expect.objectContaining({ ContainerName: 'api', ContainerPort: API_CONTAINER_PORT }),
    ]);
  });

  it('knows the providers the workers use (LLM_PROVIDERS), so it refuses another with 422 before creating a job', () => {
    const api = environmentOf(rolesOf(app.template, 'api').container);
    const worker = environmentOf(rolesOf(app.template, 'worker').container);
    expect(api.LLM_PROVIDERS).toBeTruthy();
    expect(api.LLM_PROVIDERS).toBe(worker.LLM_PROVIDERS);
  });

  it('answers CORS for the same origins API Gateway allows, so browsers can read real responses', () => {
    const restricted = synthesize({
      corsAllowOrigins: 'https://study.example,https://app.example',
    });
    const { container } = rolesOf(restricted.template, 'api');
    expect(environmentOf(container).CORS_ALLOWED_ORIGINS).toBe(
      'https://study.example,https://app.example',
    );
  });

  it('names the API Gateway stage in API_STAGE, so a path that keeps the stage still routes', () => {
    const { container } = rolesOf(app.template, 'api');
    const stages = Object.values(app.template.findResources('AWS::ApiGateway::Stage'));
    expect(stages).toHaveLength(1);
    expect(environmentOf(container).API_STAGE).toBe(stages[0]!.Properties.StageName);
  });

  it('is health-checked on GET /health inside the task, so ECS replaces a hung process', () => {
    const { container } = rolesOf(app.template, 'api');
    const healthCheck = container.HealthCheck as { Command: string[] };
    expect(healthCheck.Command.join(' ')).toContain(`127.0.0.1:${API_CONTAINER_PORT}/health`);
  });

  it('gets a stop timeout longer than the 25 s a request may wait, so SIGTERM drains in-flight requests', () => {
    const { container } = rolesOf(app.template, 'api');
    expect(container.StopTimeout).toBeGreaterThan(MAX_SYNC_WAIT_SECONDS);
    expect(Number(environmentOf(container).SHUTDOWN_TIMEOUT_SECONDS)).toBeLessThan(
      container.StopTimeout as number,
    );
  });

  it('may enqueue jobs but not consume them', () => {
    const actions = allowedActions(
      statementsOfRole(app.template, rolesOf(app.template, 'api').taskRole),
    );
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).not.toContain('sqs:ReceiveMessage');
    expect(actions).not.toContain('sqs:DeleteMessage');
  });

  it('may create, read, rate and erase jobs and conversations in the table, and query the owner index only (no scan)', () => {
    const statements = statementsOfRole(app.template, rolesOf(app.template, 'api').taskRole);
    const tableId = onlyResource(app.template, 'AWS::DynamoDB::Table').id;
    const onTable = statements.filter((s) =>
      JSON.stringify(s.Resource).includes(JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] })),
    );
    expect(allowedActions(onTable).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const queries = onTable.filter((s) => allowedActions([s]).includes('dynamodb:Query'));
    expect(queries).toHaveLength(1);
    expect(JSON.stringify(queries[0]!.Resource)).toContain(`/index/${jobsTable.ownerIndex.name}`);
    expect(allowedActions(statements)).not.toContain('dynamodb:Scan');
  });

  it('can read the guest-token key alone (at task start), and no provider key, with either of its roles', () => {
    const { taskRole, executionRole } = rolesOf(app.template, 'api');
    const secretReads = (role: string) =>
      statementsOfRole(app.template, role).filter((s) =>
        allowedActions([s]).some((a) => a.startsWith('secretsmanager:')),
      );
    expect(secretReads(taskRole)).toEqual([]);
    const reads = secretReads(executionRole);
    expect(reads).toHaveLength(1);
    const guestKey = onlyResource(app.template, 'AWS::SecretsManager::Secret', {
      Properties: { Name: 'iscoolgpt/test/guest-token-secret' },
    }).id;
    expect(reads[0]!.Resource).toEqual({ Ref: guestKey });
  });
});

describe('worker service', () => {
  const strategy = (template = app.template) =>
    serviceOf(template, 'worker').resource.Properties.CapacityProviderStrategy as {
      CapacityProvider: string;
      Base?: number;
      Weight: number;
    }[];

  it('runs every task above its on-demand base on Fargate Spot (about 70 % cheaper)', () => {
    expect(strategy()).toContainEqual(
      expect.objectContaining({ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }),
    );
    expect(serviceRunning('worker').resource.Properties.LaunchType).toBeUndefined();
  });

  it('keeps one on-demand task in production, so a Spot reclaim never leaves the queue without a consumer', () => {
    expect(strategy()).toContainEqual(
      expect.objectContaining({ CapacityProvider: 'FARGATE', Base: 1, Weight: 0 }),
    );
  });

  it('runs entirely on Spot in the lean development profile', () => {
    const dev = synthesize({ profile: 'development' });
    expect(strategy(dev.template)).toContainEqual(
      expect.objectContaining({ CapacityProvider: 'FARGATE', Base: 0 }),
    );
  });

  it('is created after the cluster has the Fargate Spot capacity provider associated', () => {
    const association = onlyResource(app.template, 'AWS::ECS::ClusterCapacityProviderAssociations');
    expect(association.resource.Properties.CapacityProviders).toEqual(
      expect.arrayContaining(['FARGATE', 'FARGATE_SPOT']),
    );
    expect(serviceRunning('worker').resource.DependsOn).toContain(association.id);
  });

  it('has no inbound port and no load balancer', () => {
    const { container } = rolesOf(app.template, 'worker');
    expect(container.PortMappings).toBeUndefined();
    expect(serviceRunning('worker').resource.Properties.LoadBalancers).toBeUndefined();
    const securityGroupId = (
      serviceRunning('worker').resource.Properties.NetworkConfiguration as {
        AwsvpcConfiguration: { SecurityGroups: { 'Fn::GetAtt': [string, string] }[] };
      }
    ).AwsvpcConfiguration.SecurityGroups[0]!['Fn::GetAtt'][0];
    const ingress = app.template.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { GroupId: { 'Fn::GetAtt': [securityGroupId, 'GroupId'] } },
    });
    expect(Object.keys(ingress)).toHaveLength(0);
    const securityGroup = app.template.findResources('AWS::EC2::SecurityGroup')[securityGroupId];
    expect(securityGroup).toBeDefined();
    expect(securityGroup?.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('is health-checked on the liveness file its poll loops touch, so ECS replaces a stalled worker', () => {
    const { container } = rolesOf(app.template, 'worker');
    const healthCheck = container.HealthCheck as { Command: string[]; StartPeriod: number };
    expect(healthCheck.Command.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(healthCheck.Command.join(' ')).toContain(`statSync('${WORKER_LIVENESS_FILE}')`);
    expect(environmentOf(container).WORKER_LIVENESS_FILE).toBe(WORKER_LIVENESS_FILE);
  });

  it('accepts a fresh liveness file and fails a stale or missing one (the probe, run as ECS runs it)', () => {
    const { container } = rolesOf(app.template, 'worker');
    const [, , flag, script] = (container.HealthCheck as { Command: string[] }).Command;
    const dir = mkdtempSync(join(tmpdir(), 'liveness-'));
    const file = join(dir, 'worker-alive');
    const probe = () =>
      spawnSync(process.execPath, [flag!, script!.replace(WORKER_LIVENESS_FILE, file)]).status;
    expect(probe()).toBe(1);
    writeFileSync(file, '');
    expect(probe()).toBe(0);
    const stale = new Date(Date.now() - (WORKER_LIVENESS_MAX_AGE_SECONDS + 1) * 1000);
    utimesSync(file, stale, stale);
    expect(probe()).toBe(1);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets the longest stop timeout Fargate allows, so SIGTERM lets in-flight provider calls finish', () => {
    const { container } = rolesOf(app.template, 'worker');
    expect(container.StopTimeout).toBe(WORKER_STOP_TIMEOUT_SECONDS);
    expect(WORKER_STOP_TIMEOUT_SECONDS).toBeGreaterThan(app.config.app.llmTimeoutSeconds);
    expect(Number(environmentOf(container).SHUTDOWN_TIMEOUT_SECONDS)).toBeLessThan(
      WORKER_STOP_TIMEOUT_SECONDS,
    );
  });

  it('may consume the queue (receive, extend visibility, delete) but not send to it', () => {
    const actions = allowedActions(
      statementsOfRole(app.template, rolesOf(app.template, 'worker').taskRole),
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'sqs:ReceiveMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
      ]),
    );
    expect(actions).not.toContain('sqs:SendMessage');
  });

  it("may read and update jobs in the table (a turn's earlier turns by batch get), and nothing more (no delete, query or scan)", () => {
    const actions = allowedActions(
      statementsOfRole(app.template, rolesOf(app.template, 'worker').taskRole),
    );
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });

  it('may consume the dead-letter queue too, to settle dead-lettered jobs as failed', () => {
    const statements = statementsOfRole(app.template, rolesOf(app.template, 'worker').taskRole);
    const dlqId = onlyResource(app.template, 'AWS::SQS::Queue', {
      Properties: { RedrivePolicy: Match.absent() },
    }).id;
    const onDlq = statements.filter(
      (s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [dlqId, 'Arn'] }),
    );
    expect(allowedActions(onDlq)).toEqual(
      expect.arrayContaining([
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
      ]),
    );
    expect(allowedActions(onDlq)).not.toContain('sqs:SendMessage');
  });

  it('reads the provider secret only through its execution role, at task start', () => {
    const { taskRole, executionRole } = rolesOf(app.template, 'worker');
    const secretActions = (role: string) =>
      statementsOfRole(app.template, role).filter((s) =>
        allowedActions([s]).some((a) => a.startsWith('secretsmanager:')),
      );
    expect(secretActions(taskRole)).toEqual([]);
    const grants = secretActions(executionRole);
    expect(allowedActions(grants)).toContain('secretsmanager:GetSecretValue');
    expect(JSON.stringify(grants.map((g) => g.Resource))).toContain('ProviderKeys');
  });

  it("may set scale-in protection on its own cluster's tasks through the ECS agent endpoint", () => {
    const statements = statementsOfRole(app.template, rolesOf(app.template, 'worker').taskRole);
    const protection = statements.find((s) => s.Sid === 'OwnTaskScaleInProtection');
    expect(protection?.Action).toEqual(['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection']);
    const clusterId = onlyResource(app.template, 'AWS::ECS::Cluster').id;
    const resource = JSON.stringify(protection?.Resource);
    expect(resource).toContain(':task/');
    expect(resource).toContain(JSON.stringify({ Ref: clusterId }));
  });
});
