import { z } from 'zod';
import type { AwsEndpoints } from './adapters/aws/clients.js';
import { jobsQueue } from './adapters/aws/resources.js';
import { PROVIDER_NAMES, type ProviderName } from './domain/job.js';
import { answerCacheEnv } from './answer-cache-env.js';
import { fairUseEnv } from './fair-use-env.js';
import { telemetryEnv } from './telemetry-env.js';

/** The longest a client may wait for a synchronous answer: API Gateway cuts integrations at 29 s. */
export const MAX_WAIT_SECONDS = 25;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const optionalUrl = optionalString.pipe(z.url().optional());
const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');
const seconds = (fallback: number) => z.coerce.number().nonnegative().default(fallback);
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  // Loopback unless told otherwise: `npm start` on a laptop is not reachable from the network.
  // The images set HOST=0.0.0.0 (the container's port is published or behind the ALB).
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /**
   * The API Gateway stage in front of the api (the stack sets it to the stage name): a private
   * integration may pass the stage as the path's first segment (`/dev/api/v1/ask`), and the api
   * then answers `/<API_STAGE>/…` as the path without it. Unset: paths are taken as they are.
   */
  API_STAGE: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a stage name: letters, digits, - and _')
      .optional(),
  ),

  /** Origins browsers may call the API from: `*`, or a comma-separated list. */
  CORS_ALLOWED_ORIGINS: z
    .string()
    .default('*')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),

  /** Headers and body must have arrived within this, or the client gets 408 and the connection closes. */
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
  /**
   * A connection on which nothing moves (no byte in or out) for this long is closed. It must stay
   * above the longest synchronous wait (25 s), during which the connection is quiet on purpose.
   */
  HTTP_CONNECTION_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
  /** Open connections one process accepts; further ones are closed at once. */
  HTTP_MAX_CONNECTIONS: count(1024),

  SYNC_WAIT_SECONDS: seconds(20).pipe(z.number().max(MAX_WAIT_SECONDS)),
  JOB_TTL_DAYS: z.coerce.number().positive().default(7),
  JOB_DEADLINE_SECONDS: count(300),
  MEMORY_STORE_MAX_JOBS: count(10_000),
  WORKER_CONCURRENCY: count(10),
  SHUTDOWN_TIMEOUT_SECONDS: count(30),

  AWS_REGION: optionalString,
  /** Local AWS (LocalStack, moto) for every service: the AWS SDKs' and CLI's own variable. */
  AWS_ENDPOINT_URL: optionalUrl,
  /** Per service, as the AWS SDKs and CLI define them: each wins over AWS_ENDPOINT_URL for its service. */
  AWS_ENDPOINT_URL_SQS: optionalUrl,
  AWS_ENDPOINT_URL_DYNAMODB: optionalUrl,
  /** The SDKs' switch: `true` ignores every endpoint variable above (the real services). */
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: flag,
  JOBS_QUEUE_URL: optionalUrl,
  JOBS_DLQ_URL: optionalUrl,
  JOBS_TABLE_NAME: optionalString,
  /** Set by ECS in every task: the worker uses it for task scale-in protection while it holds a job. */
  ECS_AGENT_URI: optionalUrl,
  /** The worker touches this file whenever a poll loop turns; the ECS health check reads its age. */
  WORKER_LIVENESS_FILE: optionalString,

  LLM_PROVIDERS: optionalString.pipe(
    z
      .string()
      .transform((value) => value.split(',').map((name) => name.trim()))
      .pipe(
        z
          .array(z.enum(PROVIDER_NAMES))
          .refine((names) => new Set(names).size === names.length, 'lists a provider twice'),
      )
      .optional(),
  ),
  // A call must end before the queue lets another worker take the job; fractions serve short tests.
  LLM_TIMEOUT_SECONDS: z.coerce
    .number()
    .positive()
    .lt(
      jobsQueue.visibilityTimeoutSeconds,
      `must be shorter than the queue visibility timeout (${jobsQueue.visibilityTimeoutSeconds} s)`,
    )
    .default(60),
  LLM_MAX_ATTEMPTS: count(3).pipe(z.number().max(10)),
  OPENAI_API_KEY: optionalString,
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_BASE_URL: optionalUrl,
  HF_TOKEN: optionalString,
  HF_MODEL: z.string().default('meta-llama/Llama-3.1-8B-Instruct'),
  HF_ENDPOINT_URL: optionalUrl,
  /** A job's events are kept this long after its last one (its `done`), for replays and resumes. */
  JOB_EVENTS_TTL_SECONDS: count(3600),
  /** The production services' event channel; its value (credentials included) is never logged. */
  REDIS_URL: optionalString.pipe(
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  ),
  /** Redis cluster mode: ElastiCache Serverless is a cluster behind one endpoint. */
  REDIS_CLUSTER: flag,
  /**
   * The most tokens one prompt may take (system prompt, earlier turns, question): older turns are
   * dropped to fit; a question that alone does not fit is refused with 422.
   */
  CONTEXT_MAX_TOKENS: count(6000),
  /**
   * The offline demo provider's pace: about 30 words a second by default, so that streaming and
   * Stop can be tried without keys (0: the whole answer at once).
   */
  OFFLINE_PROVIDER_WORDS_PER_SECOND: z.coerce.number().nonnegative().default(30),
  /**
   * When set, the offline answer takes exactly this long whatever its length, instead of the pace
   * (benchmarks' fixed latency; 0 in tests that want answers at once).
   */
  OFFLINE_PROVIDER_DELAY_MS: z.coerce.number().int().nonnegative().optional(),
  /** The built study page the api serves at `/`; default: the repository's (or image's) web/dist. */
  WEB_DIST_DIR: optionalString,

  /**
   * The OpenID Connect issuer whose users' tokens the api accepts (tokens' `iss`): in AWS the
   * Cognito user pool. Unset: embedded mode trusts its own development provider, and
   * `start:api` accepts no user tokens (guest tokens and API keys still work).
   */
  AUTH_ISSUER: optionalUrl,
  /** The audience user tokens must name (`aud`, or `client_id` as Cognito access tokens do). */
  AUTH_AUDIENCE: optionalString,
  /** Where the issuer publishes its signing keys; default `${AUTH_ISSUER}/.well-known/jwks.json`. */
  AUTH_JWKS_URL: optionalUrl,
  /** Users whose `cognito:groups` or `groups` claim holds this group are teachers. */
  AUTH_TEACHER_GROUP: z.string().trim().min(1).default('teachers'),
  /**
   * The key guest tokens are signed with (HMAC-SHA256), shared by every api process. Required by
   * `start:api` (a Secrets Manager secret in AWS); embedded mode makes one at start.
   */
  GUEST_TOKEN_SECRET: optionalString.pipe(
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  GUEST_TOKEN_TTL_DAYS: z.coerce.number().positive().default(30),
  /** Guest sessions one client address may create per minute (POST /api/v1/sessions). */
  GUEST_SESSIONS_PER_MINUTE: count(30),
  /** `start:api` only: requests with no credentials act as the shared `anonymous` principal. */
  ALLOW_ANONYMOUS: flag,
  ...telemetryEnv,
  ...answerCacheEnv,
  ...fairUseEnv,
});

export type Config = z.infer<typeof envSchema>;

/** The variable holding each provider's key: a provider is configured when it is set. */
export const PROVIDER_KEY_VARIABLES = {
  openai: 'OPENAI_API_KEY',
  huggingface: 'HF_TOKEN',
} as const satisfies Record<ProviderName, string>;

/**
 * The providers this process can call itself, in chain order: those LLM_PROVIDERS lists (every
 * provider when unset) whose key is set. Empty when only the offline demo provider answers.
 */
export function providersWithKeys(config: Config): ProviderName[] {
  return (config.LLM_PROVIDERS ?? PROVIDER_NAMES).filter((name) =>
    Boolean(config[PROVIDER_KEY_VARIABLES[name]]),
  );
}

/**
 * The providers the workers can use, seen from the API service, which holds no keys:
 * LLM_PROVIDERS when set (infra sets it for both services), else those with a key here.
 */
export function availableProviders(config: Config): ProviderName[] {
  return config.LLM_PROVIDERS ? [...config.LLM_PROVIDERS] : providersWithKeys(config);
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once at start-up; nothing else reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema
    .refine((config) => !config.AUTH_ISSUER || config.AUTH_AUDIENCE, {
      path: ['AUTH_AUDIENCE'],
      message: 'required with AUTH_ISSUER (the client id user tokens are issued for)',
    })
    .safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

export interface AwsConfig {
  region: string;
  queueUrl: string;
  /** Empty unless JOBS_DLQ_URL was asked for (the worker consumes the dead-letter queue). */
  deadLetterQueueUrl: string;
  tableName: string;
  /** Where each service's calls go: LocalStack or moto locally, unset (the real service) in AWS. */
  endpoints: AwsEndpoints;
}

/**
 * Each service's endpoint as the AWS SDKs and CLI resolve it: its own variable
 * (AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_DYNAMODB), else AWS_ENDPOINT_URL; none at all when
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true. So SQS can run on LocalStack and DynamoDB on moto.
 */
export function awsEndpoints(config: Config): AwsEndpoints {
  if (config.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) return { sqs: undefined, dynamodb: undefined };
  return {
    sqs: config.AWS_ENDPOINT_URL_SQS ?? config.AWS_ENDPOINT_URL,
    dynamodb: config.AWS_ENDPOINT_URL_DYNAMODB ?? config.AWS_ENDPOINT_URL,
  };
}

/** The AWS settings the two production processes need, or a ConfigError naming what is missing. */
export function requireAwsConfig(
  config: Config,
  needed: readonly ('JOBS_QUEUE_URL' | 'JOBS_DLQ_URL' | 'JOBS_TABLE_NAME' | 'AWS_REGION')[] = [
    'AWS_REGION',
    'JOBS_QUEUE_URL',
    'JOBS_TABLE_NAME',
  ],
): AwsConfig {
  const missing = needed.filter((name) => !config[name]);
  if (missing.length > 0) {
    throw new ConfigError(
      `Missing required environment variable${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}. ` +
        'Run `npm run aws:bootstrap` against LocalStack or moto to create the resources and print them, ' +
        'or use `npm start` for the embedded mode that needs no AWS.',
    );
  }
  return {
    region: config.AWS_REGION ?? '',
    queueUrl: config.JOBS_QUEUE_URL ?? '',
    deadLetterQueueUrl: config.JOBS_DLQ_URL ?? '',
    tableName: config.JOBS_TABLE_NAME ?? '',
    endpoints: awsEndpoints(config),
  };
}

export interface RedisConfig {
  url: string;
  cluster: boolean;
}

/** The event channel the two production processes need, or a ConfigError naming REDIS_URL. */
export function requireRedisConfig(config: Config): RedisConfig {
  if (!config.REDIS_URL) {
    throw new ConfigError(
      'Missing required environment variable: REDIS_URL (the job event channel, redis:// or ' +
        'rediss://). Any Redis 6.2+ or Valkey server will do locally (see docs/aws-local.md); ' +
        '`npm start` runs the embedded mode with its in-memory channel.',
    );
  }
  return { url: config.REDIS_URL, cluster: config.REDIS_CLUSTER };
}

/**
 * The guest-token key every api process shares, or a ConfigError naming GUEST_TOKEN_SECRET: a
 * key made up per process would make one process refuse the guests another one let in.
 */
export function requireGuestTokenSecret(config: Config): string {
  if (!config.GUEST_TOKEN_SECRET) {
    throw new ConfigError(
      'Missing required environment variable: GUEST_TOKEN_SECRET (at least 32 characters, the ' +
        'same in every api process; e.g. `openssl rand -base64 32`). It signs guest sessions; in ' +
        'AWS it comes from Secrets Manager.',
    );
  }
  return config.GUEST_TOKEN_SECRET;
}
