import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

/** Where each service's calls go: LocalStack or moto locally; unset (the real service) in AWS. */
export interface AwsEndpoints {
  sqs: string | undefined;
  dynamodb: string | undefined;
}

export interface AwsClientOptions {
  region: string;
  endpoints: AwsEndpoints;
  /**
   * Connections each client may open at once. The SDK's default (50) is fewer than a worker at
   * WORKER_CONCURRENCY=50 needs for its long polls alone, and a starved pool stalls every call.
   */
  maxSockets: number;
}

export interface AwsClients {
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  /** DynamoDB with plain JavaScript values in and out (null, numbers, nested objects). */
  documents: DynamoDBDocumentClient;
  destroy(): void;
}

/** A DynamoDB call answers in milliseconds; one that hangs must not hold a job forever. */
const DYNAMODB_REQUEST_TIMEOUT_MS = 10_000;
/** Longer than a 20 s long poll. */
const SQS_REQUEST_TIMEOUT_MS = 30_000;

export function createAwsClients(options: AwsClientOptions): AwsClients {
  const handler = (requestTimeout: number) => ({
    requestTimeout,
    throwOnRequestTimeout: true,
    connectionTimeout: 5_000,
    httpAgent: { keepAlive: true, maxSockets: options.maxSockets },
    httpsAgent: { keepAlive: true, maxSockets: options.maxSockets },
  });
  const { region, endpoints } = options;
  const sqs = new SQSClient({
    region,
    ...(endpoints.sqs && { endpoint: endpoints.sqs }),
    requestHandler: handler(SQS_REQUEST_TIMEOUT_MS),
  });
  const dynamodb = new DynamoDBClient({
    region,
    ...(endpoints.dynamodb && { endpoint: endpoints.dynamodb }),
    requestHandler: handler(DYNAMODB_REQUEST_TIMEOUT_MS),
  });
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    sqs,
    dynamodb,
    documents,
    destroy: () => {
      sqs.destroy();
      // The document client's destroy() is a no-op: the client under it owns the sockets.
      dynamodb.destroy();
    },
  };
}
