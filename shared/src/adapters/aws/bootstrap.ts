import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { defaultResourceNames, jobsQueue, jobsTable } from './resources.js';

export interface ResourceNames {
  table: string;
  queue: string;
  deadLetterQueue: string;
}

/** Queue settings a test may shorten (e.g. a 3 s visibility timeout); the rest come from resources.ts. */
export type QueueSettingOverrides = {
  [Setting in 'visibilityTimeoutSeconds' | 'maxReceiveCount' | 'receiveWaitTimeSeconds']?: number;
};

export interface BootstrapOptions {
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  names?: ResourceNames;
  queueSettings?: QueueSettingOverrides;
}

export interface AwsResources {
  queueUrl: string;
  deadLetterQueueUrl: string;
  tableName: string;
}

/**
 * Creates the jobs queue, its dead-letter queue (redrive policy) and the jobs table (TTL), with
 * the settings the CDK stack deploys. Idempotent: existing resources are brought to the same
 * settings, not recreated.
 */
export async function bootstrapAwsResources(options: BootstrapOptions): Promise<AwsResources> {
  const names = options.names ?? defaultResourceNames;
  const settings = { ...jobsQueue, ...options.queueSettings };
  const deadLetterQueueUrl = await ensureQueue(options.sqs, names.deadLetterQueue, {
    MessageRetentionPeriod: String(settings.deadLetterRetentionSeconds),
  });
  const { Attributes } = await options.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueUrl = await ensureQueue(options.sqs, names.queue, {
    VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(settings.retentionSeconds),
    ReceiveMessageWaitTimeSeconds: String(settings.receiveWaitTimeSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: Attributes?.QueueArn,
      maxReceiveCount: settings.maxReceiveCount,
    }),
  });
  await ensureTable(options.dynamodb, names.table);
  return { queueUrl, deadLetterQueueUrl, tableName: names.table };
}

/** The jobs queue's own timings, which the worker follows (a test queue may shorten them). */
export interface QueueTimings {
  /** How long a received message stays hidden: the worker's heartbeat and lease follow it. */
  visibilityTimeoutSeconds: number;
  /** Long polling: how long one receive waits, and so how long a stopping worker waits for it. */
  receiveWaitTimeSeconds: number;
}

export async function readQueueTimings(sqs: SQSClient, queueUrl: string): Promise<QueueTimings> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['VisibilityTimeout', 'ReceiveMessageWaitTimeSeconds'],
    }),
  );
  const visibilityTimeoutSeconds = Number(Attributes.VisibilityTimeout);
  if (!Number.isFinite(visibilityTimeoutSeconds)) {
    throw new Error(`Queue ${queueUrl} reports no visibility timeout`);
  }
  return {
    visibilityTimeoutSeconds,
    receiveWaitTimeSeconds: Number(
      Attributes.ReceiveMessageWaitTimeSeconds ?? jobsQueue.receiveWaitTimeSeconds,
    ),
  };
}

async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (QueueUrl) {
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
      return QueueUrl;
    }
  } catch (error) {
    if (!(error instanceof QueueDoesNotExist)) throw error;
  }
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  return QueueUrl;
}

async function ensureTable(dynamodb: DynamoDBClient, name: string): Promise<void> {
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: name }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: jobsTable.partitionKey, AttributeType: 'S' },
          ...ownerIndexAttributes,
        ],
        KeySchema: [{ AttributeName: jobsTable.partitionKey, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [ownerIndex],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 60 }, { TableName: name });
  await ensureOwnerIndex(dynamodb, name);
  const { TimeToLiveDescription } = await dynamodb.send(
    new DescribeTimeToLiveCommand({ TableName: name }),
  );
  const status = TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  await dynamodb.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: jobsTable.ttlAttribute, Enabled: true },
    }),
  );
}

const { ownerIndex: owner } = jobsTable;
const ownerIndexAttributes = [
  { AttributeName: owner.partitionKey, AttributeType: 'S' as const },
  { AttributeName: owner.sortKey, AttributeType: 'S' as const },
];
const ownerIndex = {
  IndexName: owner.name,
  KeySchema: [
    { AttributeName: owner.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: owner.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'ALL' as const },
};

/** A table made before owners were recorded gets the owner index it now needs. */
async function ensureOwnerIndex(dynamodb: DynamoDBClient, name: string): Promise<void> {
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
  if (Table?.GlobalSecondaryIndexes?.some((index) => index.IndexName === owner.name)) return;
  await dynamodb.send(
    new UpdateTableCommand({
      TableName: name,
      AttributeDefinitions: ownerIndexAttributes,
      GlobalSecondaryIndexUpdates: [{ Create: ownerIndex }],
    }),
  );
}
