/**
 * `@iscoolgpt/shared/aws`: the SQS, DynamoDB and Redis adapters and the two production services'
 * composition. A separate entry point so that embedded mode never loads the AWS SDK or ioredis.
 */
export { createAwsClients, type AwsClients, type AwsEndpoints } from './adapters/aws/clients.js';
export { DynamoJobStore, type DynamoJobStoreOptions } from './adapters/aws/dynamo-job-store.js';
export { SqsJobQueue } from './adapters/aws/sqs-job-queue.js';
export { SqsJobSource, type SqsJobSourceOptions } from './adapters/aws/sqs-job-source.js';
export {
  bootstrapAwsResources,
  readQueueTimings,
  type AwsResources,
  type QueueTimings,
  type QueueSettingOverrides,
  type ResourceNames,
} from './adapters/aws/bootstrap.js';
export { compareIds } from './adapters/redis/stream-ids.js';
export { RedisQuotaCounter } from './adapters/redis/quota-counter.js';
export {
  RedisEventChannel,
  eventsKey,
  liveChannel,
  type RedisEventChannelOptions,
} from './adapters/redis/redis-event-channel.js';
export {
  RedisAnswerCache,
  entryKey,
  flightKey,
  type RedisAnswerCacheOptions,
} from './adapters/redis/answer-cache.js';
export { EventChannelError } from './adapters/redis/live-channels.js';
export { redisRateLimiter } from './adapters/redis/rate-limiter.js';
export { DEFAULT_REDIS_TIMEOUTS, type RedisTimeouts } from './adapters/redis/connection.js';
export {
  buildAwsApiRuntime,
  startAwsWorker,
  workerTimings,
  type AwsApiRuntime,
  type AwsWorker,
  type WorkerTimings,
} from './composition/aws.js';
export { buildRedisEventChannel } from './composition/redis.js';
export { configureAwsProcess } from './composition/aws-process.js';
