import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { jobsQueue } from './shared-resources.js';
import {
  backlogPerTaskTarget,
  DEFAULT_LOAD,
  eventsCacheEcpuCeiling,
  webUsagePlan,
  type StatedLoad,
} from './sizing.js';

export { backlogPerTaskTarget } from './sizing.js';

/**
 * Everything a deployment can vary, read once from CDK context (`-c key=value` or cdk.json)
 * into a typed object. Nothing else in infra/ reads context or process.env.
 */
export interface InfraConfig {
  /** Environment name: prefixes stack and resource names (`dev`, `staging`, `prod`). */
  readonly envName: string;
  /** Image tag deployed for both services; the CI passes the commit SHA. */
  readonly imageTag: string;
  /**
   * Region is fixed at synth time (ALB access logging needs it). The account is left to the
   * credentials used at deploy time: naming it would make the VPC look up availability zones,
   * which needs AWS calls, and synth must work offline.
   */
  readonly region: string;
  /** Which defaults apply (see PROFILE_DEFAULTS); explicit context keys still win. */
  readonly profile: Profile;
  readonly api: ServiceSizing;
  readonly worker: ServiceSizing & {
    /** Messages waiting per running worker task that target tracking holds the service at. */
    readonly backlogPerTaskTarget: number;
    /** Worker tasks always on regular Fargate; every task above them runs on Fargate Spot. */
    readonly onDemandBase: number;
  };
  /** Values handed to the containers as plain (non-secret) environment variables. */
  readonly app: AppSettings;
  readonly network: {
    /**
     * How tasks reach the internet (the LLM providers, AWS APIs without an endpoint): `nat`, from
     * private subnets through one NAT gateway per AZ (or `natGateways`); `public`, from public
     * subnets with a public address each, their security groups closed to inbound traffic.
     */
    readonly egress: Egress;
    /** NAT gateways when egress is `nat` (0 otherwise). */
    readonly natGateways: number;
    /** Interface endpoints for ECR, SQS, Secrets Manager and Logs (extra cost; see README). */
    readonly interfaceEndpoints: boolean;
    /** An SQS interface endpoint in every AZ, so the api's SendMessage never crosses a NAT. */
    readonly sqsEndpoint: boolean;
  };
  readonly edge: {
    readonly corsAllowOrigins: string[];
    readonly throttleRateLimit: number;
    readonly throttleBurstLimit: number;
    readonly quotaPerDay: number;
    /** Per-method CloudWatch metrics on the stage (billed per metric once traffic flows). */
    readonly detailedMetrics: boolean;
  };
  /** What the study page's usage plan and the cost per 1,000 questions are sized for. */
  readonly load: StatedLoad;
  /** ElastiCache Serverless ceiling: ECPUs per second (see sizing.ts). */
  readonly eventsCacheMaxEcpuPerSecond: number;
  /** The study page on CloudFront: the usage plan of its shared key, and an optional web ACL. */
  readonly web: {
    readonly throttleRateLimit: number;
    readonly throttleBurstLimit: number;
    readonly quotaPerDay: number;
    /** ARN of a CLOUDFRONT-scope WAF web ACL (created in us-east-1) to attach. */
    readonly webAclArn: string | undefined;
  };
  readonly logRetention: RetentionDays;
  /** E-mail address subscribed to the alarm topic; required on the production profile. */
  readonly alarmEmail: string | undefined;
  /** The GitHub workflows' roles (base stack) and OIDC provider (account stack). */
  readonly github: {
    /** `owner/repo` whose deploy workflow may assume this environment's roles. */
    readonly repository: string | undefined;
    /** Create the account's GitHub OIDC provider in IsCoolGpt-Account (once per account). */
    readonly createOidcProvider: boolean;
  };
}

export const EGRESS = ['nat', 'public'] as const;
export type Egress = (typeof EGRESS)[number];

export interface ServiceSizing {
  /** Tasks at deploy time and the auto-scaling floor. */
  readonly desiredCount: number;
  readonly maxCount: number;
  readonly cpu: number;
  readonly memoryMiB: number;
}

export interface AppSettings {
  readonly logLevel: string;
  readonly llmProviders: string;
  readonly openaiModel: string;
  readonly hfModel: string;
  readonly llmTimeoutSeconds: number;
  readonly syncWaitSeconds: number;
  readonly jobTtlDays: number;
  readonly jobDeadlineSeconds: number;
  readonly workerConcurrency: number;
}

/**
 * API Gateway cuts a REST integration at 29 s; the api never holds a client longer than 25 s
 * (shared/src/config.ts MAX_WAIT_SECONDS), so SYNC_WAIT_SECONDS may not exceed it.
 */
export const API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = 29;
/**
 * Streamed methods (SSE) may run up to API Gateway's 15-minute streaming limit; a client
 * reconnects with Last-Event-ID after that. Idle streams are cut after 5 min on a regional
 * endpoint, which the api's heartbeat comment (every SSE_HEARTBEAT_SECONDS) prevents.
 */
export const API_GATEWAY_STREAM_TIMEOUT_SECONDS = 15 * 60;
/** The api writes an SSE comment at least this often (issue 11); every idle timeout on the path must exceed it. */
export const SSE_HEARTBEAT_SECONDS = 15;
export const MAX_SYNC_WAIT_SECONDS = 25;
/** Fargate's maximum; the worker finishes in-flight provider calls before exiting. */
export const WORKER_STOP_TIMEOUT_SECONDS = 120;
/** Longer than the longest api request (25 s wait) plus a margin to close keep-alive sockets. */
export const API_STOP_TIMEOUT_SECONDS = 30;
export const API_CONTAINER_PORT = 8000;

/** A CloudFront web ACL is global: its ARN names us-east-1 and the `global` scope. */
const WEB_ACL_ARN = /^(arn:aws[\w-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+)?$/;

export class InfraConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfraConfigError';
  }
}

type ContextReader = (key: string) => unknown;

export const PROFILES = ['production', 'development'] as const;
export type Profile = (typeof PROFILES)[number];

/**
 * Per-profile defaults. `development` is the lean one: one small api task, a small worker
 * entirely on Fargate Spot, no NAT (tasks in public subnets, closed to inbound), no per-method API
 * metrics, a week of logs. Anything a production fault would need (a NAT per AZ, an on-demand
 * worker, two api tasks across AZs) stays in `production`. infra/README.md's cost tables price both.
 */
export const PROFILE_DEFAULTS = {
  production: {
    apiDesiredCount: 2,
    apiMaxCount: 6,
    apiCpu: 512,
    apiMemoryMiB: 1024,
    workerMaxCount: 10,
    workerCpu: 512,
    workerMemoryMiB: 1024,
    workerOnDemandBase: 1,
    egress: 'nat',
    natGateways: 2,
    sqsEndpoint: false,
    apiGatewayDetailedMetrics: true,
    logRetentionDays: 30,
  },
  development: {
    apiDesiredCount: 1,
    apiMaxCount: 2,
    apiCpu: 256,
    apiMemoryMiB: 512,
    workerMaxCount: 2,
    workerCpu: 256,
    workerMemoryMiB: 512,
    workerOnDemandBase: 0,
    egress: 'public',
    natGateways: 1,
    sqsEndpoint: false,
    apiGatewayDetailedMetrics: false,
    logRetentionDays: 7,
  },
} as const satisfies Record<Profile, Record<string, number | boolean | Egress>>;

/** The environment that runs on the development profile unless `-c profile=` says otherwise. */
const DEVELOPMENT_ENV = 'dev';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const PROVIDERS = ['openai', 'huggingface'];

/**
 * Reads the deployment's settings from CDK context. `env` supplies the CLI's default region
 * (CDK_DEFAULT_REGION) when context does not name one; offline it may be absent and the app
 * still synthesizes.
 */
export function readConfig(
  context: ContextReader,
  env: Record<string, string | undefined> = {},
): InfraConfig {
  const problems: string[] = [];
  const str = (key: string, fallback: string, pattern?: RegExp): string => {
    const raw = context(key);
    if (raw === undefined || raw === null || raw === '') return fallback;
    const value = String(raw).trim();
    if (pattern && !pattern.test(value)) problems.push(`${key}: "${value}" must match ${pattern}`);
    return value;
  };
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = context(key);
    if (raw === undefined || raw === null || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key}: "${String(raw)}" must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const raw = context(key);
    if (raw === undefined || raw === null || raw === '') return fallback;
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    problems.push(`${key}: "${String(raw)}" must be true or false`);
    return fallback;
  };

  const envName = str('env', 'dev', /^[a-z][a-z0-9-]{1,15}$/);
  const imageTag = str('imageTag', 'dev', /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
  const region = str('region', env.CDK_DEFAULT_REGION ?? 'us-east-1', /^[a-z]{2}(-[a-z]+)+-\d$/);

  const profileName = str('profile', envName === DEVELOPMENT_ENV ? 'development' : 'production');
  if (!(PROFILES as readonly string[]).includes(profileName)) {
    problems.push(`profile: "${profileName}" must be one of ${PROFILES.join(', ')}`);
  }
  const profile: Profile = profileName === 'development' ? 'development' : 'production';
  const defaults = PROFILE_DEFAULTS[profile];

  const apiDesired = int('apiDesiredCount', defaults.apiDesiredCount, 1, 50);
  const workerDesired = int('workerDesiredCount', 1, 1, 50);
  const api: ServiceSizing = {
    desiredCount: apiDesired,
    maxCount: int('apiMaxCount', Math.max(defaults.apiMaxCount, apiDesired), apiDesired, 100),
    cpu: int('apiCpu', defaults.apiCpu, 256, 4096),
    memoryMiB: int('apiMemoryMiB', defaults.apiMemoryMiB, 512, 16384),
  };
  const workerMaxCount = int(
    'workerMaxCount',
    Math.max(defaults.workerMaxCount, workerDesired),
    workerDesired,
    100,
  );

  const llmProviders = str('llmProviders', 'openai,huggingface');
  for (const name of llmProviders.split(',').map((p) => p.trim())) {
    if (!PROVIDERS.includes(name)) problems.push(`llmProviders: unknown provider "${name}"`);
  }
  const llmTimeoutSeconds = int('llmTimeoutSeconds', 60, 1, 900);
  if (llmTimeoutSeconds >= jobsQueue.visibilityTimeoutSeconds) {
    problems.push(
      `llmTimeoutSeconds: ${llmTimeoutSeconds} must be shorter than the queue's visibility timeout ` +
        `(${jobsQueue.visibilityTimeoutSeconds} s), or a slow call is redelivered to a second worker`,
    );
  }
  const logLevel = str('logLevel', 'info');
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`logLevel: "${logLevel}" is not a pino level`);

  const app: AppSettings = {
    logLevel,
    llmProviders,
    openaiModel: str('openaiModel', 'gpt-4o-mini'),
    hfModel: str('hfModel', 'meta-llama/Llama-3.1-8B-Instruct'),
    llmTimeoutSeconds,
    syncWaitSeconds: int('syncWaitSeconds', 20, 0, MAX_SYNC_WAIT_SECONDS),
    jobTtlDays: int('jobTtlDays', 7, 1, 365),
    jobDeadlineSeconds: int('jobDeadlineSeconds', 300, 1, 86_400),
    workerConcurrency: int('workerConcurrency', 10, 1, 100),
  };
  const worker = {
    desiredCount: workerDesired,
    maxCount: workerMaxCount,
    cpu: int('workerCpu', defaults.workerCpu, 256, 4096),
    memoryMiB: int('workerMemoryMiB', defaults.workerMemoryMiB, 512, 16384),
    backlogPerTaskTarget: int(
      'workerBacklogPerTask',
      backlogPerTaskTarget({ ...app, jobSeconds: int('workerJobSeconds', 8, 1, 900) }),
      1,
      10_000,
    ),
    onDemandBase: int('workerOnDemandBase', defaults.workerOnDemandBase, 0, workerMaxCount),
  };

  const retentionDays = int('logRetentionDays', defaults.logRetentionDays, 1, 3653);
  const allowedRetention = Object.values(RetentionDays).filter(
    (v): v is RetentionDays => typeof v === 'number',
  );
  if (!allowedRetention.includes(retentionDays as RetentionDays)) {
    problems.push(`logRetentionDays: ${retentionDays} is not a CloudWatch Logs retention value`);
  }

  const alarmEmail = str('alarmEmail', '', /^([^@\s]+@[^@\s]+\.[^@\s]+)?$/);
  if (profile === 'production' && alarmEmail === '') {
    problems.push(
      'alarmEmail: required on the production profile (-c alarmEmail=<address>): it is the alarm ' +
        "topic's subscriber, and an alarm nobody receives pages nobody",
    );
  }
  const egress = str('egress', defaults.egress);
  if (!(EGRESS as readonly string[]).includes(egress)) {
    problems.push(`egress: "${egress}" must be one of ${EGRESS.join(', ')}`);
  }
  const natGateways = int('natGateways', defaults.natGateways, 1, 3);
  if (egress === 'public' && context('natGateways') !== undefined) {
    problems.push('natGateways: only with egress=nat (egress=public has no NAT gateway)');
  }
  const load: StatedLoad = {
    students: int('students', DEFAULT_LOAD.students, 1, 1_000_000),
    questionsPerStudentPerDay: int(
      'questionsPerStudentPerDay',
      DEFAULT_LOAD.questionsPerStudentPerDay,
      1,
      1000,
    ),
  };
  const webPlan = webUsagePlan(load);
  const config: InfraConfig = {
    envName,
    imageTag,
    region,
    profile,
    api,
    worker,
    app,
    network: {
      egress: egress === 'public' ? 'public' : 'nat',
      natGateways: egress === 'public' ? 0 : natGateways,
      interfaceEndpoints: bool('vpcInterfaceEndpoints', false),
      sqsEndpoint: bool('sqsEndpoint', defaults.sqsEndpoint),
    },
    edge: {
      corsAllowOrigins: str('corsAllowOrigins', '*')
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
      throttleRateLimit: int('throttleRateLimit', 20, 1, 10_000),
      throttleBurstLimit: int('throttleBurstLimit', 40, 1, 5_000),
      quotaPerDay: int('quotaPerDay', 10_000, 1, 10_000_000),
      detailedMetrics: bool('apiGatewayDetailedMetrics', defaults.apiGatewayDetailedMetrics),
    },
    load,
    eventsCacheMaxEcpuPerSecond: int(
      'eventsCacheMaxEcpuPerSecond',
      eventsCacheEcpuCeiling({ maxCount: workerMaxCount, concurrency: app.workerConcurrency }),
      1000,
      15_000_000,
    ),
    web: {
      throttleRateLimit: int('webThrottleRateLimit', webPlan.rateLimit, 1, 10_000),
      throttleBurstLimit: int('webThrottleBurstLimit', webPlan.burstLimit, 1, 5_000),
      quotaPerDay: int('webQuotaPerDay', webPlan.quotaPerDay, 1, 10_000_000),
      webAclArn: str('webAclArn', '', WEB_ACL_ARN) || undefined,
    },
    logRetention: retentionDays as RetentionDays,
    alarmEmail: alarmEmail === '' ? undefined : alarmEmail,
    github: {
      repository: str('githubRepository', '', /^([\w.-]+\/[\w.-]+)?$/) || undefined,
      createOidcProvider: bool('githubOidcProvider', false),
    },
  };
  if (problems.length > 0) {
    throw new InfraConfigError(`Invalid CDK context:\n  ${problems.join('\n  ')}`);
  }
  return config;
}
