/**
 * `@iscoolgpt/shared/aws`: the SQS and DynamoDB adapters and the two production services'
 * composition. A separate entry point so that embedded mode never loads the AWS SDK.
 */
export { createAwsClients, type AwsClients } from './adapters/aws/clients.js';
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
export {
  buildAwsApiRuntime,
  configureAwsProcess,
  startAwsWorker,
  workerTimings,
  type AwsApiRuntime,
  type AwsWorker,
  type WorkerTimings,
} from './composition/aws.js';
