import { MemoryEventChannel } from '../adapters/memory/event-channel.js';
import { MemoryJobQueue } from '../adapters/memory/job-queue.js';
import { MemoryJobStore } from '../adapters/memory/job-store.js';
import {
  FlexibleRateLimiter,
  memoryRateLimiter,
  type RateLimitSettings,
} from '../adapters/rate-limiter.js';
import { PrometheusMetrics, type MetricsExposition } from '../adapters/metrics/prometheus.js';
import { providersWithKeys, type Config } from '../config.js';
import { allowedModels, quotaSettings } from '../fair-use-env.js';
import { MemoryQuotaCounter } from '../adapters/memory/quota-counter.js';
import { Quotas } from '../domain/quotas.js';
import type { RateLimiter } from '../domain/rate-limit.js';
import { MAX_EVENTS_PER_JOB } from '../domain/events.js';
import { JobProcessor } from '../domain/job-processor.js';
import { JobService } from '../domain/job-service.js';
import { MemoryAnswerCache } from '../adapters/memory/answer-cache.js';
import { buildCachedAnswers } from './answer-cache.js';
import { buildSettlements } from './settlements.js';
import { Conversations } from '../domain/conversations.js';
import type { Answerer, Logger } from '../domain/ports.js';
import { jobsQueue } from '../adapters/aws/resources.js';
import { buildAnswerer } from './answerer.js';
import { contextBudget } from './context-budget.js';
import { fittingHistory } from '../providers/prompt.js';

export interface EmbeddedRuntime {
  jobs: JobService;
  conversations: Conversations;
  /** A limiter counting in this process's memory. */
  rateLimiter(settings: RateLimitSettings): RateLimiter;
  store: MemoryJobStore;
  /** What this process counts (api and worker alike). */
  metrics: PrometheusMetrics;
  /** Its Prometheus text, served at `/metrics`. */
  exposition: MetricsExposition;
  /** Starts the in-process worker. */
  start(): void;
  /** Stops taking jobs and waits (bounded) for the ones in hand. */
  stop(): Promise<void>;
}

/**
 * API and worker in one process: the same domain services as production, with the in-memory
 * store and queue in place of DynamoDB and SQS.
 */
export function buildEmbeddedRuntime(
  config: Config,
  logger: Logger,
  answerer: Answerer = buildAnswerer(config, logger),
  /** The quotas' clock (tests move it past midnight); the system clock otherwise. */
  { now }: { now?: () => number } = {},
): EmbeddedRuntime {
  const store = new MemoryJobStore({ maxJobs: config.MEMORY_STORE_MAX_JOBS });
  const channel = new MemoryEventChannel({
    ttlSeconds: config.JOB_EVENTS_TTL_SECONDS,
    maxEventsPerJob: MAX_EVENTS_PER_JOB,
    maxJobs: config.MEMORY_STORE_MAX_JOBS,
  });
  const metrics = new PrometheusMetrics();
  const quotas = new Quotas({
    counter: new MemoryQuotaCounter(),
    settings: quotaSettings(config),
    logger,
    metrics,
    ...(now && { now }),
  });
  // One settler and one watch for the api and the worker: a job's end is watched once.
  const { settler, settlements } = buildSettlements(
    store,
    channel,
    config,
    logger,
    {},
    metrics,
    quotas,
  );
  // The worker in this process calls exactly these (buildAnswerer's rule).
  const providers = providersWithKeys(config);
  const answers = buildCachedAnswers(config, {
    cache: new MemoryAnswerCache({
      maxEntries: config.ANSWER_CACHE_MAX_ENTRIES,
      ttlSeconds: config.ANSWER_CACHE_TTL_SECONDS,
      onEvict: () => metrics.answerCacheEviction(),
    }),
    providers,
    settler,
    settlements,
    logger,
    metrics,
  });
  const processor = new JobProcessor({
    store,
    answerer,
    logger,
    settler,
    settlements,
    leaseSeconds: jobsQueue.visibilityTimeoutSeconds,
    contextMaxTokens: config.CONTEXT_MAX_TOKENS,
    metrics,
    fitHistory: fittingHistory,
    ...(answers && { answers }),
  });
  const queue = new MemoryJobQueue({
    concurrency: config.WORKER_CONCURRENCY,
    redeliveryDelayMs: 1000,
    maxReceiveCount: jobsQueue.maxReceiveCount,
    onDeadLetter: (message) => processor.deadLetter(message),
    logger,
  });
  const jobs = new JobService({
    store,
    queue,
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
    rateLimiter: (settings) => new FlexibleRateLimiter(memoryRateLimiter(settings)),
    store,
    metrics,
    exposition: metrics,
    start: () => queue.start((message) => processor.process(message)),
    stop: async () => {
      await queue.stop(config.SHUTDOWN_TIMEOUT_SECONDS * 1000);
      await channel.close();
    },
  };
}
