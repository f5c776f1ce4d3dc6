import { createAwsClients } from '../adapters/aws/clients.js';
import { readQueueTimings, type QueueTimings } from '../adapters/aws/bootstrap.js';
import { DynamoJobStore } from '../adapters/aws/dynamo-job-store.js';
import { workerSettings } from '../adapters/aws/resources.js';
import { SqsJobQueue } from '../adapters/aws/sqs-job-queue.js';
import { SqsJobSource } from '../adapters/aws/sqs-job-source.js';
import { TaskProtection, type TaskProtectionOptions } from '../adapters/aws/task-protection.js';
import { LivenessFile } from '../adapters/liveness-file.js';
import type { MetricsExposition } from '../adapters/metrics/prometheus.js';
import type { Metrics } from '../domain/metrics.js';
import { allowedModels, quotaSettings } from '../fair-use-env.js';
import { RedisQuotaCounter } from '../adapters/redis/quota-counter.js';
import { Quotas } from '../domain/quotas.js';
import { processMetrics } from './process-metrics.js';
import {
  availableProviders,
  providersWithKeys,
  requireRedisConfig,
  type AwsConfig,
  type Config,
} from '../config.js';
import { JobProcessor } from '../domain/job-processor.js';
import { JobService } from '../domain/job-service.js';
import { Conversations } from '../domain/conversations.js';
import { buildCachedAnswers } from './answer-cache.js';
import { buildRedisEventChannel, redisAnswerCache } from './redis.js';
import {
  commandClient,
  DEFAULT_REDIS_TIMEOUTS,
  describeRedisUrl,
  watchConnection,
} from '../adapters/redis/connection.js';
import { redisRateLimiter } from '../adapters/redis/rate-limiter.js';
import type { RateLimitSettings } from '../adapters/rate-limiter.js';
import type { RateLimiter } from '../domain/rate-limit.js';
import type { JobMessage } from '../domain/job.js';
import type { Answerer, Logger } from '../domain/ports.js';
import { buildSettlements } from './settlements.js';
import { buildAnswerer } from './answerer.js';
import { contextBudget } from './context-budget.js';
import { fittingHistory } from '../providers/prompt.js';

export interface AwsApiRuntime {
  jobs: JobService;
  conversations: Conversations;
  /** A limiter whose counts every api process shares (Redis). */
  rateLimiter(settings: RateLimitSettings): RateLimiter;
  /** What this process counts (Prometheus, and CloudWatch when configured). */
  metrics: Metrics;
  /** Its Prometheus text, served at `/metrics`. */
  exposition: MetricsExposition;
  close(): Promise<void>;
}

/** The API service's domain over DynamoDB, SQS and the Redis event channel. */
export function buildAwsApiRuntime(config: Config, aws: AwsConfig, logger: Logger): AwsApiRuntime {
  const channel = buildRedisEventChannel(config, logger, 'api');
  // Every waiting client holds a read now and then, every ask a write and a send.
  const clients = createAwsClients({ ...aws, maxSockets: 256 });
  const store = new DynamoJobStore({ client: clients.documents, tableName: aws.tableName });
  const { metrics, exposition, close: closeMetrics } = processMetrics(config, logger);
  const redis = requireRedisConfig(config);
  const limits = commandClient(redis, DEFAULT_REDIS_TIMEOUTS, 'iscoolgpt-api-limits');
  let closing = false;
  watchConnection(limits, 'rate limits', describeRedisUrl(redis.url), logger, () => closing);
  const quotas = redisQuotas(limits, config, logger, metrics);
  const { settler, settlements } = buildSettlements(
    store,
    channel,
    config,
    logger,
    {},
    metrics,
    quotas,
  );
  const providers = availableProviders(config);
  const answers = buildCachedAnswers(config, {
    cache: redisAnswerCache(config, channel),
    providers,
    settler,
    settlements,
    logger,
    metrics,
  });
  const jobs = new JobService({
    store,
    queue: new SqsJobQueue(clients.sqs, aws.queueUrl),
    channel,
    logger,
    settler,
    settlements,
    deadlineSeconds: config.JOB_DEADLINE_SECONDS,
    ttlDays: config.JOB_TTL_DAYS,
    contextBudget: contextBudget(config),
    providers,
    models: allowedModels(config, providers),
    ...(answers && { answers }),
    quotas,
  });
  return {
    jobs,
    conversations: new Conversations({ store, jobs, logger }),
    rateLimiter: (settings) => redisRateLimiter(limits, settings),
    metrics,
    exposition,
    close: async () => {
      closing = true;
      await channel.close();
      limits.disconnect();
      clients.destroy();
      await closeMetrics();
    },
  };
}

/** Per-principal quotas counted in Redis, shared by every api process and worker. */
function redisQuotas(
  client: ReturnType<typeof commandClient>,
  config: Config,
  logger: Logger,
  metrics: Metrics,
): Quotas {
  const counter = new RedisQuotaCounter(client);
  return new Quotas({ counter, settings: quotaSettings(config), logger, metrics });
}

export interface WorkerTimings extends QueueTimings {
  /** How often a job in hand is kept: its message hidden again and its lease renewed. */
  heartbeatSeconds: number;
  /**
   * How long a claim or a renewal leases the job. One heartbeat shorter than the visibility
   * timeout, so when a worker dies its lease runs out before its message reappears, and the
   * redelivery finds the job free to take.
   */
  leaseSeconds: number;
}

export function workerTimings(queue: QueueTimings): WorkerTimings {
  const visibility = queue.visibilityTimeoutSeconds;
  if (visibility < 2) {
    throw new Error(`The jobs queue's visibility timeout (${visibility} s) must be at least 2 s`);
  }
  const heartbeatSeconds = Math.max(
    1,
    Math.floor(visibility / workerSettings.heartbeatsPerVisibilityTimeout),
  );
  return { ...queue, heartbeatSeconds, leaseSeconds: visibility - heartbeatSeconds };
}

export interface AwsWorker {
  timings: WorkerTimings;
  /** What this worker counts (Prometheus, and CloudWatch when configured). */
  metrics: Metrics;
  /** Its Prometheus text (the METRICS_PORT listener serves it). */
  exposition: MetricsExposition;
  /** Stops taking messages, waits (at most SHUTDOWN_TIMEOUT_SECONDS) for jobs in hand, closes. */
  stop(): Promise<void>;
}

/**
 * The worker service: takes jobs from SQS, asks the providers, stores outcomes in DynamoDB.
 * A second, single-slot consumer on the dead-letter queue settles every job whose message landed
 * there as failed / dead_lettered, so no job is left `running`.
 */
export async function startAwsWorker(
  config: Config,
  aws: AwsConfig,
  logger: Logger,
  answerer: Answerer = buildAnswerer(config, logger),
  /** Tests shorten the bound on continuous scale-in protection; production keeps the defaults. */
  protectionBounds: Pick<TaskProtectionOptions, 'maxProtectedMs' | 'releaseWindowMs'> = {},
): Promise<AwsWorker> {
  const concurrency = config.WORKER_CONCURRENCY;
  // Per slot: a long poll, a heartbeat and a delete may be open at once.
  const clients = createAwsClients({ ...aws, maxSockets: 2 * concurrency + 16 });
  const channel = buildRedisEventChannel(config, logger, 'worker');
  let timings: WorkerTimings;
  try {
    // The queue's own settings, so the heartbeat always matches the queue actually consumed.
    timings = workerTimings(await readQueueTimings(clients.sqs, aws.queueUrl));
  } catch (error) {
    clients.destroy();
    await channel.close();
    throw error;
  }
  // Not required: jobs are answered and stored without the channel (it only streams them).
  await channel.connected().catch(() => {});
  const store = new DynamoJobStore({ client: clients.documents, tableName: aws.tableName });
  const { metrics, exposition, close: closeMetrics } = processMetrics(config, logger);
  // A job's end frees its owner's pending slot and counts what it used (the api's counters).
  const redis = requireRedisConfig(config);
  const counters = commandClient(redis, DEFAULT_REDIS_TIMEOUTS, 'iscoolgpt-worker-quotas');
  let closing = false;
  watchConnection(counters, 'quotas', describeRedisUrl(redis.url), logger, () => closing);
  const quotas = redisQuotas(counters, config, logger, metrics);
  const settled = buildSettlements(store, channel, config, logger, {}, metrics, quotas);
  const answers = buildCachedAnswers(config, {
    cache: redisAnswerCache(config, channel),
    providers: providersWithKeys(config),
    ...settled,
    logger,
    metrics,
  });
  const processor = new JobProcessor({
    store,
    answerer,
    logger,
    ...settled,
    leaseSeconds: timings.leaseSeconds,
    contextMaxTokens: config.CONTEXT_MAX_TOKENS,
    metrics,
    fitHistory: fittingHistory,
    ...(answers && { answers }),
  });
  // Either poll loop turning (the dead-letter one keeps polling while the jobs one is paused)
  // keeps the container health check green.
  const liveness = config.WORKER_LIVENESS_FILE
    ? new LivenessFile(config.WORKER_LIVENESS_FILE, logger)
    : undefined;
  liveness?.touch();
  const common = {
    sqs: clients.sqs,
    visibilityTimeoutSeconds: timings.visibilityTimeoutSeconds,
    heartbeatSeconds: timings.heartbeatSeconds,
    waitTimeSeconds: timings.receiveWaitTimeSeconds,
    ...(liveness ? { onPoll: () => liveness.touch() } : {}),
    logger,
  };
  const jobs = new SqsJobSource({
    ...common,
    queueUrl: aws.queueUrl,
    concurrency,
    poisonRedeliverySeconds: 0,
    onHeartbeat: async ({ jobId }) => {
      const now = new Date();
      const renewed = await store.renewLease(
        jobId,
        now,
        new Date(now.getTime() + timings.leaseSeconds * 1000),
      );
      if (!renewed) {
        logger.warn({ jobId }, 'job lease not renewed: the job is settled, overdue or taken over');
      }
    },
  });
  const deadLetters = new SqsJobSource({
    ...common,
    queueUrl: aws.deadLetterQueueUrl,
    concurrency: 1,
    poisonRedeliverySeconds: workerSettings.deadLetterPoisonRedeliverySeconds,
  });
  const timeoutMs = config.SHUTDOWN_TIMEOUT_SECONDS * 1000;
  // On ECS, scale-in picks only tasks that hold no job; elsewhere there is nothing to protect.
  const protection = config.ECS_AGENT_URI
    ? new TaskProtection({ agentUri: config.ECS_AGENT_URI, logger, ...protectionBounds })
    : undefined;
  const handleJob = (message: JobMessage) =>
    protection ? protection.around(() => processor.process(message)) : processor.process(message);
  // Continuous protection is bounded: the worker pauses its intake, drains, and goes unprotected
  // for a while, so a deployment or scale-in waiting on this task can go ahead.
  protection?.bound({
    pause: () => jobs.stop(timeoutMs),
    resume: () => jobs.start(handleJob),
  });
  jobs.start(handleJob);
  deadLetters.start((message) => processor.deadLetter(message));
  logger.info(
    { concurrency, ...timings, queueUrl: aws.queueUrl, deadLetterQueueUrl: aws.deadLetterQueueUrl },
    'worker started',
  );
  return {
    timings,
    metrics,
    exposition,
    stop: async () => {
      // Protection is dropped once the jobs in hand are done; a yield under way does not resume.
      await Promise.all([
        jobs.stop(timeoutMs),
        deadLetters.stop(timeoutMs),
        protection?.close(timeoutMs),
      ]);
      clients.destroy();
      // Last: the jobs in hand published their final events and were counted on the way out.
      closing = true;
      counters.disconnect();
      await channel.close();
      await closeMetrics();
      logger.info({}, 'worker stopped');
    },
  };
}
