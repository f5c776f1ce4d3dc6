/**
 * `npm run aws:bootstrap` as a developer runs it, against the run's local AWS, with endpoints as
 * the AWS SDKs and CLI define them: AWS_ENDPOINT_URL names a port where nothing listens, so the
 * script succeeds only if AWS_ENDPOINT_URL_SQS and AWS_ENDPOINT_URL_DYNAMODB win over it for
 * their services (in `npm run test:localstack` they are two servers: LocalStack and moto).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { DeleteTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { DeleteQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createAwsClients, type AwsClients } from '@iscoolgpt/shared/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobsQueue, jobsTable } from '../../shared/src/adapters/aws/resources.js';
import { localAws } from '../support/aws-suite.js';
import { freePort, ROOT } from '../support/host.js';
import { DUMMY_AWS_ENV } from '../support/local-aws.js';

interface Run {
  code: number | null;
  printed: Record<string, string>;
  stderr: string;
}

async function bootstrap(env: Record<string, string>): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', join(ROOT, 'scripts/aws-bootstrap.ts')],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const printed = Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { code, printed, stderr };
}

describe('npm run aws:bootstrap with an endpoint per service', () => {
  let clients: AwsClients;
  let nowhere: string;
  let endpoints: { sqs: string; dynamodb: string };
  let first: Run;

  beforeAll(async () => {
    endpoints = localAws().endpoints;
    clients = createAwsClients({ region: DUMMY_AWS_ENV.AWS_REGION, endpoints, maxSockets: 4 });
    nowhere = `http://127.0.0.1:${await freePort()}`;
    first = await bootstrap({
      ...DUMMY_AWS_ENV,
      AWS_ENDPOINT_URL: nowhere,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    });
  }, 60_000);

  afterAll(async () => {
    if (first?.code === 0) {
      await Promise.allSettled([
        clients.sqs.send(new DeleteQueueCommand({ QueueUrl: first.printed.JOBS_QUEUE_URL })),
        clients.sqs.send(new DeleteQueueCommand({ QueueUrl: first.printed.JOBS_DLQ_URL })),
        clients.dynamodb.send(new DeleteTableCommand({ TableName: first.printed.JOBS_TABLE_NAME })),
      ]);
    }
    clients?.destroy();
  });

  it('creates the queue on the SQS endpoint and the table on the DynamoDB one, not on AWS_ENDPOINT_URL', async () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const { Attributes: dlq = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: first.printed.JOBS_DLQ_URL,
        AttributeNames: ['QueueArn'],
      }),
    );
    const { Attributes: queue = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: first.printed.JOBS_QUEUE_URL,
        AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'],
      }),
    );
    expect(JSON.parse(queue.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlq.QueueArn,
      maxReceiveCount: jobsQueue.maxReceiveCount,
    });
    expect(queue.VisibilityTimeout).toBe(String(jobsQueue.visibilityTimeoutSeconds));
    const { TimeToLiveDescription } = await clients.dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: first.printed.JOBS_TABLE_NAME }),
    );
    expect(TimeToLiveDescription?.AttributeName).toBe(jobsTable.ttlAttribute);
  });

  it('prints the endpoint variables as given, for the services to export', () => {
    expect(first.printed).toEqual({
      AWS_REGION: DUMMY_AWS_ENV.AWS_REGION,
      AWS_ENDPOINT_URL: nowhere,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      JOBS_QUEUE_URL: expect.stringMatching(/\/iscoolgpt-jobs$/),
      JOBS_DLQ_URL: expect.stringMatching(/\/iscoolgpt-jobs-dlq$/),
      JOBS_TABLE_NAME: 'iscoolgpt-jobs',
    });
  });

  it('prints the same values when run again (idempotent)', async () => {
    const again = await bootstrap({
      ...DUMMY_AWS_ENV,
      AWS_ENDPOINT_URL: nowhere,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    });
    expect(again.code).toBe(0);
    expect(again.printed).toEqual(first.printed);
  });

  it('refuses to run when a service has no local endpoint, naming it (real AWS comes from infra/)', async () => {
    const refused = await bootstrap({ ...DUMMY_AWS_ENV, AWS_ENDPOINT_URL_SQS: endpoints.sqs });
    expect(refused.code).toBe(1);
    expect(refused.printed).toEqual({});
    expect(refused.stderr).toMatch(/No local endpoint for DynamoDB.*AWS_ENDPOINT_URL_DYNAMODB/);
  });
});
