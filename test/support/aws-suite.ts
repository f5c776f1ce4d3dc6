/**
 * Per-suite AWS resources on the run's local endpoint. Every suite gets its own queue, dead-letter
 * queue and table under a random name and deletes them afterwards, so suites running side by side
 * (vitest runs files in parallel) never see each other's messages; a global reset would wipe a
 * neighbour's resources mid-test.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  bootstrapAwsResources,
  createAwsClients,
  type AwsClients,
  type AwsResources,
  type QueueSettingOverrides,
} from '@iscoolgpt/shared/aws';
import { inject } from 'vitest';
import type { ProvidedLocalAws } from './global-setup.js';
import { DUMMY_AWS_ENV } from './local-aws.js';
import { QUOTAS_OFF } from '../../shared/test/support/quotas.js';
import { localRedisUrl } from './redis-suite.js';

/** The run's local AWS (global-setup.ts): each service's endpoint and what serves it. */
export function localAws(): ProvidedLocalAws {
  const provided = inject('localAws');
  if ('error' in provided) throw new Error(`Local AWS could not be provisioned: ${provided.error}`);
  return provided;
}

/**
 * start:api's identity settings for suites that ask without credentials: the shared guest-token
 * key every api process needs, and anonymous requests admitted (suites about identity set
 * ALLOW_ANONYMOUS=false).
 */
export const TEST_IDENTITY_ENV = {
  GUEST_TOKEN_SECRET: 'test-guest-token-secret-0123456789abcdef',
  ALLOW_ANONYMOUS: 'true',
} as const;

export interface AwsSuite {
  clients: AwsClients;
  resources: AwsResources;
  /**
   * The environment both services need to use these resources (for loadConfig or a child
   * process), the run's Redis (REDIS_URL) included.
   */
  env: Record<string, string>;
  /** Messages on a queue, visible or in a worker's hands. */
  messagesOn(queueUrl: string): Promise<number>;
  cleanup(): Promise<void>;
}

export async function createAwsSuite(queueSettings: QueueSettingOverrides = {}): Promise<AwsSuite> {
  const aws = localAws();
  const redisUrl = localRedisUrl();
  const clients = createAwsClients({
    region: DUMMY_AWS_ENV.AWS_REGION,
    endpoints: aws.endpoints,
    maxSockets: 64,
  });
  const name = `test-${randomUUID().slice(0, 8)}`;
  const resources = await bootstrapAwsResources({
    sqs: clients.sqs,
    dynamodb: clients.dynamodb,
    names: { table: name, queue: name, deadLetterQueue: `${name}-dlq` },
    // Short long polls: a stopping worker waits for the one under way.
    queueSettings: { receiveWaitTimeSeconds: 1, ...queueSettings },
  });
  return {
    clients,
    resources,
    env: {
      ...DUMMY_AWS_ENV,
      ...aws.env,
      JOBS_QUEUE_URL: resources.queueUrl,
      JOBS_DLQ_URL: resources.deadLetterQueueUrl,
      JOBS_TABLE_NAME: resources.tableName,
      REDIS_URL: redisUrl,
      // The offline demo provider answers at once (its default pace is ~30 words/s): these
      // suites test the AWS path; one that wants a slow answer sets its own delay.
      OFFLINE_PROVIDER_DELAY_MS: '0',
      // The model's path: the answer cache is off (suites share the run's Redis, and a question
      // one suite asked must not be answered from the cache in another); its suite turns it on.
      ANSWER_CACHE: 'off',
      // Quotas off: suites ask many questions, many at once, as one principal (the shared Redis
      // would carry one suite's counts into the next); the quotas' suite sets its limits.
      ...QUOTAS_OFF,
      ...TEST_IDENTITY_ENV,
    },
    messagesOn: async (queueUrl) => {
      const { Attributes = {} } = await clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    },
    cleanup: async () => {
      await Promise.allSettled([
        clients.sqs.send(new DeleteQueueCommand({ QueueUrl: resources.queueUrl })),
        clients.sqs.send(new DeleteQueueCommand({ QueueUrl: resources.deadLetterQueueUrl })),
        clients.dynamodb.send(new DeleteTableCommand({ TableName: resources.tableName })),
      ]);
      clients.destroy();
    },
  };
}
