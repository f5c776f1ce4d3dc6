/**
 * The AWS path for benchmarks: local AWS provisioned as in the tests by `route` (local-aws.ts:
 * `auto` takes the endpoint variables, else LocalStack in a container, else moto; `moto` and
 * `localstack` name the SQS side), a Redis server (REDIS_URL, or one provisioned as in the
 * tests), and a fresh queue, dead-letter queue and table, with the environment both services need.
 */
import { randomUUID } from 'node:crypto';
import {
  bootstrapAwsResources,
  createAwsClients,
  type AwsClients,
  type AwsResources,
} from '@iscoolgpt/shared/aws';
import {
  DUMMY_AWS_ENV,
  startLocalAws,
  type LocalAws,
  type LocalAwsRoute,
} from '../../test/support/local-aws.js';
import { startLocalRedis } from '../../test/support/local-redis.js';
import { QUOTAS_OFF } from '../../shared/test/support/quotas.js';

export interface AwsPath {
  localAws: LocalAws;
  clients: AwsClients;
  resources: AwsResources;
  /** What start:api and start:worker need to use these resources. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startAwsPath(route: LocalAwsRoute = 'auto'): Promise<AwsPath> {
  for (const [name, value] of Object.entries(DUMMY_AWS_ENV)) process.env[name] ??= value;
  const localAws = await startLocalAws(process.env, (line) => console.log(line), route);
  let localRedis;
  try {
    localRedis = await startLocalRedis(process.env, (line) => console.log(line));
  } catch (error) {
    await localAws.stop();
    throw error;
  }
  const clients = createAwsClients({
    region: DUMMY_AWS_ENV.AWS_REGION,
    endpoints: localAws.endpoints,
    maxSockets: 64,
  });
  const stop = async () => {
    clients.destroy();
    await Promise.all([localAws.stop(), localRedis.stop()]);
  };
  try {
    const name = `bench-${randomUUID().slice(0, 8)}`;
    // The settings the CDK stack deploys (120 s visibility timeout, 20 s long polls).
    const resources = await bootstrapAwsResources({
      sqs: clients.sqs,
      dynamodb: clients.dynamodb,
      names: { table: name, queue: name, deadLetterQueue: `${name}-dlq` },
    });
    const env = {
      ...DUMMY_AWS_ENV,
      ...localAws.env,
      JOBS_QUEUE_URL: resources.queueUrl,
      JOBS_DLQ_URL: resources.deadLetterQueueUrl,
      JOBS_TABLE_NAME: resources.tableName,
      REDIS_URL: localRedis.url,
      LOG_LEVEL: 'info',
      // The offline provider answers at once unless a bench sets its latency (not at its default
      // ~30 words/s demo pace).
      OFFLINE_PROVIDER_DELAY_MS: '0',
      // The model's path, as the benches before the answer cache measured it; the cache's own
      // bench turns it on.
      ANSWER_CACHE: 'off',
      // Quotas off: one principal asks thousands of questions, many at once.
      ...QUOTAS_OFF,
      // The benches ask without credentials, as the anonymous principal (no token to verify).
      GUEST_TOKEN_SECRET: 'bench-guest-token-secret-0123456789abcdef',
      ALLOW_ANONYMOUS: 'true',
    };
    return { localAws, clients, resources, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
