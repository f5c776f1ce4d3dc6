/**
 * Monthly list-price cost of what a synthesized environment keeps running while idle, item by
 * item, read from its templates, and its cost per 1,000 questions at the stated load.
 * infra/README.md's cost tables are generated from these (infra/test/cost.test.ts), so a resource
 * added, removed or resized shows up in the tables.
 *
 * Prices: us-east-1, on-demand list prices in USD (AWS pricing pages for Fargate, VPC (NAT
 * gateway, public IPv4), PrivateLink, Elastic Load Balancing, ElastiCache, Secrets Manager, SQS,
 * DynamoDB, API Gateway and CloudWatch), CloudFront at its South America rates (the students),
 * OpenAI's list price for the default model.
 * A month is 730 hours. Fargate Spot has no list price (it moves with spare capacity; AWS quotes
 * "up to 70 % off"): it is taken as 30 % of the on-demand price.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import type { Synthesized } from './synth.js';
import { onlyResource, serviceOf, taskDefinitionOf } from './synth.js';
import { Match } from 'aws-cdk-lib/assertions';

export const HOURS_PER_MONTH = 730;
export const PRICES = {
  fargate: {
    X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
    ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  },
  fargateSpotFraction: 0.3,
  natGatewayHour: 0.045,
  publicIpv4Hour: 0.005,
  interfaceEndpointAzHour: 0.01,
  albHour: 0.0225,
  /** ElastiCache Serverless for Valkey bills at least 100 MB stored, idle or not. */
  valkeyServerlessGbHour: 0.084,
  valkeyServerlessMinimumGb: 0.1,
  secretMonth: 0.4,
  alarmMetricMonth: 0.1,
  dashboardMonth: 3,
  customMetricMonth: 0.3,
  sqsPerMillionRequests: 0.4,
  // Per use, for the cost per 1,000 questions.
  apiGatewayPerMillionRequests: 3.5,
  /** CloudFront, South America: HTTPS requests per 10,000 and data out per GB (first 10 TB). */
  cloudFrontSouthAmericaPer10kHttps: 0.022,
  cloudFrontSouthAmericaGbOut: 0.11,
  logsIngestedGb: 0.5,
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  valkeyPerMillionEcpu: 0.0023,
  natGatewayGbProcessed: 0.045,
  internetGbOut: 0.09,
  albLcuHour: 0.008,
  /** X-Ray, per million traces recorded (retrieving and scanning are billed only when read). */
  xRayPerMillionTracesRecorded: 5,
  /** OpenAI gpt-4o-mini, per million tokens. */
  llm: { model: 'gpt-4o-mini', inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 },
} as const;
/**
 * Every resource type the stacks may hold, by whether it costs anything while idle. A type in
 * neither list fails infra/test/cost.test.ts: whoever adds it says whether the table must price it.
 */
export const PRICED_TYPES = [
  'AWS::ECS::Service',
  'AWS::ECS::Cluster',
  'AWS::EC2::NatGateway',
  'AWS::EC2::EIP',
  'AWS::EC2::VPCEndpoint',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElastiCache::ServerlessCache',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::SecretsManager::Secret',
];
/** Free, or billed only per use (requests, bytes, storage written): nothing while idle. */
export const NO_IDLE_CHARGE_PREFIXES = [
  'AWS::ApiGateway::',
  'AWS::ApiGatewayV2::VpcLink',
  'AWS::ApplicationAutoScaling::',
  'AWS::CDK::Metadata',
  'AWS::CloudFront::',
  // Billed per monthly active user (Essentials: the first 10,000 free): nothing while idle.
  'AWS::Cognito::',
  'AWS::DynamoDB::Table',
  // EventBridge rules on AWS service events (ECS) are free.
  'AWS::Events::Rule',
  // Rejected flows only: a few KB a day of scans turned away, cents a year.
  'AWS::EC2::FlowLog',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::Route',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::Subnet',
  'AWS::EC2::VPC',
  'AWS::ECS::ClusterCapacityProviderAssociations',
  'AWS::ECS::TaskDefinition',
  'AWS::ECR::Repository',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::IAM::',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  // Their metrics exist (and bill) only once a matching line is logged: per use, below.
  'AWS::Logs::MetricFilter',
  'AWS::S3::',
  'AWS::SNS::',
  'AWS::SQS::',
  'Custom::',
];

/**
 * Container Insights (standard) bills its metrics as custom metrics. Its ECS metrics come per
 * cluster, per service and per task-definition family; the counts are an estimate of what one
 * cluster and each service (with its family) publish, not a published figure.
 */
export const CONTAINER_INSIGHTS_METRICS = { perCluster: 10, perService: 25 } as const;

export interface CostItem {
  readonly item: string;
  readonly quantity: string;
  readonly monthly: number;
}

const cents = (usd: number) => Math.round(usd * 100 + 1e-9) / 100;

/** Each target tracking policy makes two alarms of its own (high and low), billed like any alarm. */
const TARGET_TRACKING_ALARMS = 2;

function taskCost(template: Template, container: 'api' | 'worker') {
  const task = taskDefinitionOf(template, container);
  const { resource } = task;
  const vcpu = Number(resource.Properties.Cpu) / 1024;
  const gb = Number(resource.Properties.Memory) / 1024;
  const arch = (resource.Properties.RuntimePlatform as { CpuArchitecture: 'X86_64' | 'ARM64' })
    .CpuArchitecture;
  const price = PRICES.fargate[arch];
  const serviceId = serviceOf(template, container).id;
  const target = onlyResource(template, 'AWS::ApplicationAutoScaling::ScalableTarget', {
    Properties: {
      ResourceId: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [serviceId, 'Name'] }])] },
    },
  });
  const service = serviceOf(template, container).resource.Properties;
  const network = service.NetworkConfiguration as {
    AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' | 'DISABLED' };
  };
  const environment = Object.fromEntries(
    ((task.container.Environment ?? []) as { Name: string; Value: unknown }[]).map((e) => [
      e.Name,
      e.Value,
    ]),
  );
  return {
    arch,
    size: `${vcpu} vCPU, ${gb} GB`,
    tasks: target.resource.Properties.MinCapacity as number,
    perTaskMonth: (vcpu * price.vcpuHour + gb * price.gbHour) * HOURS_PER_MONTH,
    publicIp: network.AwsvpcConfiguration.AssignPublicIp === 'ENABLED',
    environment,
  };
}

/**
 * ReceiveMessage calls an idle worker task makes a month: one long poll per job slot
 * (WORKER_CONCURRENCY) and one on the dead-letter queue, each returning empty after the queue's
 * ReceiveMessageWaitTimeSeconds.
 */
function idlePollsPerTaskMonth(template: Template, workerConcurrency: number): number {
  const { resource } = onlyResource(template, 'AWS::SQS::Queue', {
    Properties: { RedrivePolicy: Match.anyValue() },
  });
  const waitSeconds = Number(resource.Properties.ReceiveMessageWaitTimeSeconds);
  return ((workerConcurrency + 1) * HOURS_PER_MONTH * 3600) / waitSeconds;
}

/** The idle monthly cost of `app`, item by item, in the README's order. */
export function idleCost(app: Synthesized): CostItem[] {
  const t = app.template;
  const count = (type: string) => Object.keys(t.findResources(type)).length;

  const api = taskCost(t, 'api');
  const worker = taskCost(t, 'worker');
  const strategy = serviceOf(t, 'worker').resource.Properties.CapacityProviderStrategy as
    { CapacityProvider: string; Base?: number }[] | undefined;
  const onDemandBase = strategy?.find((s) => s.CapacityProvider === 'FARGATE')?.Base ?? Infinity;
  const workerOnDemand = Math.min(worker.tasks, onDemandBase);
  const workerSpot = worker.tasks - workerOnDemand;

  const endpointAzs = Object.values(
    t.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }),
  ).reduce((sum, e) => sum + (e.Properties.SubnetIds as unknown[]).length, 0);
  const targetTracking = Object.keys(
    t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
      Properties: { PolicyType: 'TargetTrackingScaling' },
    }),
  ).length;
  const alarmMetrics =
    Object.values(t.findResources('AWS::CloudWatch::Alarm')).reduce((sum, alarm) => {
      const metrics = alarm.Properties.Metrics as { MetricStat?: unknown }[] | undefined;
      return sum + (metrics ? metrics.filter((m) => m.MetricStat).length : 1);
    }, 0) +
    targetTracking * TARGET_TRACKING_ALARMS;
  const taskIps = [api, worker].reduce((sum, s) => sum + (s.publicIp ? s.tasks : 0), 0);
  const publicIps = count('AWS::EC2::EIP') + taskIps;
  const idlePolls =
    worker.tasks * idlePollsPerTaskMonth(t, Number(worker.environment.WORKER_CONCURRENCY));
  const insights = JSON.stringify(
    onlyResource(t, 'AWS::ECS::Cluster').resource.Properties.ClusterSettings,
  ).includes('"enabled"');
  const insightsMetrics = insights
    ? CONTAINER_INSIGHTS_METRICS.perCluster +
      CONTAINER_INSIGHTS_METRICS.perService * count('AWS::ECS::Service')
    : 0;
  // Provider keys (base stack) and the study page's API key value (service stack).
  const secrets =
    Object.keys(app.baseTemplate.findResources('AWS::SecretsManager::Secret')).length +
    count('AWS::SecretsManager::Secret');
  const caches = count('AWS::ElastiCache::ServerlessCache');

  const items: CostItem[] = [
    {
      item: `api tasks (Fargate ${api.arch}, on demand)`,
      quantity: `${api.tasks} × ${api.size}`,
      monthly: api.tasks * api.perTaskMonth,
    },
    {
      item: `worker tasks, on-demand base (Fargate ${worker.arch})`,
      quantity: `${workerOnDemand} × ${worker.size}`,
      monthly: workerOnDemand * worker.perTaskMonth,
    },
    {
      item: `worker tasks above the base (Fargate Spot ${worker.arch})`,
      quantity: `${workerSpot} × ${worker.size}`,
      monthly: workerSpot * worker.perTaskMonth * PRICES.fargateSpotFraction,
    },
    {
      item: 'NAT gateways',
      quantity: String(count('AWS::EC2::NatGateway')),
      monthly: count('AWS::EC2::NatGateway') * PRICES.natGatewayHour * HOURS_PER_MONTH,
    },
    {
      item: 'public IPv4 addresses (NAT gateways, tasks in public subnets)',
      quantity: String(publicIps),
      monthly: publicIps * PRICES.publicIpv4Hour * HOURS_PER_MONTH,
    },
    {
      item: 'interface endpoints (per AZ)',
      quantity: String(endpointAzs),
      monthly: endpointAzs * PRICES.interfaceEndpointAzHour * HOURS_PER_MONTH,
    },
    {
      item: 'Application Load Balancer',
      quantity: String(count('AWS::ElasticLoadBalancingV2::LoadBalancer')),
      monthly:
        count('AWS::ElasticLoadBalancingV2::LoadBalancer') * PRICES.albHour * HOURS_PER_MONTH,
    },
    {
      item: 'ElastiCache Serverless Valkey (100 MB minimum)',
      quantity: String(caches),
      monthly:
        caches * PRICES.valkeyServerlessMinimumGb * PRICES.valkeyServerlessGbHour * HOURS_PER_MONTH,
    },
    {
      item: 'Container Insights metrics (estimate)',
      quantity: String(insightsMetrics),
      monthly: insightsMetrics * PRICES.customMetricMonth,
    },
    {
      item: 'CloudWatch alarm metrics (target tracking makes 2 alarms a policy)',
      quantity: String(alarmMetrics),
      monthly: alarmMetrics * PRICES.alarmMetricMonth,
    },
    {
      item: 'CloudWatch dashboard',
      quantity: String(count('AWS::CloudWatch::Dashboard')),
      monthly: count('AWS::CloudWatch::Dashboard') * PRICES.dashboardMonth,
    },
    {
      item: 'Secrets Manager secrets',
      quantity: String(secrets),
      monthly: secrets * PRICES.secretMonth,
    },
    {
      item: "SQS long polls of the worker's floor (empty receives, free tier not deducted)",
      quantity: `${(idlePolls / 1e6).toFixed(2)} M`,
      monthly: (idlePolls / 1e6) * PRICES.sqsPerMillionRequests,
    },
  ];
  return items.map((i) => ({ ...i, monthly: cents(i.monthly) }));
}

export const total = (items: readonly CostItem[]) =>
  cents(items.reduce((sum, i) => sum + i.monthly, 0));
