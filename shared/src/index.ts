/**
 * The domain, the in-memory adapters, the providers, config and logging: everything embedded mode
 * needs. The AWS adapters (and the AWS SDK they load) are in `@iscoolgpt/shared/aws`.
 */
export * from './domain/job.js';
export * from './domain/conversation.js';
export * from './domain/principal.js';
export * from './domain/errors.js';
export * from './domain/events.js';
export { EventPublisher } from './domain/event-publisher.js';
export { DeltaPacer, DELTAS_PER_SECOND } from './domain/delta-pacer.js';
export type * from './domain/ports.js';
export type * from './domain/rate-limit.js';
export {
  NO_METRICS,
  allMetrics,
  type Metrics,
  type QuotaDenialCode,
  type CacheLookup,
} from './domain/metrics.js';
export {
  PrometheusMetrics,
  METRIC_PREFIX,
  type MetricsExposition,
} from './adapters/metrics/prometheus.js';
export {
  JobService,
  type ContextBudget,
  type JobServiceOptions,
  type Submitted,
} from './domain/job-service.js';
export {
  Conversations,
  DEFAULT_CONVERSATIONS_PAGE,
  DEFAULT_TURNS_PAGE,
  MAX_PAGE,
  type ConversationPage,
  type ConversationsOptions,
} from './domain/conversations.js';
export { owns, titleOf, TITLE_LENGTH } from './domain/ownership.js';
export {
  conversationCursor,
  conversationSortKey,
  turnCursor,
  type Page,
  type PageOf,
} from './domain/pages.js';
export { fingerprint, newTurn, type JobLimits } from './domain/new-turn.js';
export { Settler, type SettlerOptions } from './domain/settler.js';
export {
  SettlementWatch,
  type HeardOn,
  type OnSettled,
  type SettlementPace,
  type SettlementWatchOptions,
} from './domain/settlement-watch.js';
export { EventStreams, NOTHING_AFTER } from './domain/event-streams.js';
export {
  JobProcessor,
  type ProcessOutcome,
  type JobProcessorOptions,
} from './domain/job-processor.js';
export { MemoryJobStore } from './adapters/memory/job-store.js';
export { MemoryJobQueue } from './adapters/memory/job-queue.js';
export {
  MemoryEventChannel,
  type MemoryEventChannelOptions,
} from './adapters/memory/event-channel.js';
export {
  MemoryAnswerCache,
  type MemoryAnswerCacheOptions,
} from './adapters/memory/answer-cache.js';
export {
  answerKey,
  isCacheable,
  normalizeText,
  type AnswerKeyContext,
  type KeyedJob,
} from './domain/answer-key.js';
export { PROMPT_VERSION } from './providers/prompt-version.js';
export {
  CachedAnswers,
  type CacheOutcome,
  type CachedAnswersOptions,
  type ReusedAnswer,
} from './domain/cached-answers.js';
export { LiveQueue } from './adapters/live-queue.js';
export {
  FlexibleRateLimiter,
  memoryRateLimiter,
  type RateLimitSettings,
} from './adapters/rate-limiter.js';
export {
  jobsQueue,
  jobsTable,
  defaultResourceNames,
  workerSettings,
  gatewaySettings,
} from './adapters/aws/resources.js';
export { OfflineProvider, OFFLINE_MODEL } from './providers/offline.js';
export { ProviderChain, callOnce, type ProviderCall } from './providers/chain.js';
export {
  OpenAIProvider,
  OPENAI_DEFAULT_BASE_URL,
  type OpenAIProviderOptions,
} from './providers/openai.js';
export {
  HuggingFaceProvider,
  HF_ROUTER_URL,
  type HuggingFaceProviderOptions,
} from './providers/huggingface.js';
export { retryingCall, RETRY_DEFAULTS, type RetryPolicyOptions } from './providers/retry.js';
export { PriceTable, DEFAULT_PRICES, type Price } from './providers/prices.js';
export {
  systemPrompt,
  settingsLine,
  chatMessages,
  countChatTokens,
  fittingHistory,
  minimalPromptTokens,
  type ChatMessage,
} from './providers/prompt.js';
export {
  loadConfig,
  awsEndpoints,
  requireAwsConfig,
  requireRedisConfig,
  requireGuestTokenSecret,
  ConfigError,
  MAX_WAIT_SECONDS,
  PROVIDER_KEY_VARIABLES,
  availableProviders,
  providersWithKeys,
  type AwsConfig,
  type Config,
  type RedisConfig,
} from './config.js';
export { allowedModels, quotaSettings } from './fair-use-env.js';
export {
  Quotas,
  type QuestionsLeft,
  type QuotaSettings,
  type QuotasOptions,
  type UsageReport,
} from './domain/quotas.js';
export { utcDay, nextUtcMidnight } from './domain/quota.js';
export type * from './domain/quota.js';
export { MemoryQuotaCounter } from './adapters/memory/quota-counter.js';
export { createLogger, loggerOptions, REDACTED_PATHS } from './logger.js';
export { buildAnswerer, type BackoffOverrides } from './composition/answerer.js';
export { buildEmbeddedRuntime, type EmbeddedRuntime } from './composition/embedded.js';
export { PAGE_CSP, pageCsp } from './page-security.js';
export { CORS_EXPOSED_HEADERS, CORS_REQUEST_HEADERS } from './cors.js';
