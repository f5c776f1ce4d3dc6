/**
 * The synthesized service stack's jobs queue, dead-letter queue and secrets, deployed through
 * LocalStack's CloudFormation the way `cdk deploy` deploys (template uploaded to S3, stack created
 * from its URL), then read back from SQS and Secrets Manager: what the CDK code says is what a
 * deploy creates. The stack's other resources (VPC, ECS, API Gateway, ElastiCache, CloudFront, …)
 * are left out: no free emulator here provides them all.
 */
import { randomUUID } from 'node:crypto';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobsQueue } from '../../infra/lib/shared-resources.js';
import { synthesize, TEST_CONTEXT } from '../../infra/test/support/synth.js';
import { localAws } from '../support/aws-suite.js';
import { DUMMY_AWS_ENV } from '../support/local-aws.js';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const DEPLOYED_TYPES = ['AWS::SQS::Queue', 'AWS::SecretsManager::Secret'];

describe("the service stack's queues and secrets, deployed through CloudFormation on LocalStack", () => {
  const stackName = `iscoolgpt-queues-${randomUUID().slice(0, 8)}`;
  const bucket = `cdk-assets-${randomUUID().slice(0, 8)}`;
  const key = `${stackName}.template.json`;
  let resources: Record<string, Resource>;
  /** Logical id → physical id (a queue's URL, a secret's ARN). */
  let physical: Record<string, string>;
  /** Logical ids: the queue with a redrive policy is the jobs queue, the other its DLQ. */
  let queueId: string;
  let deadLetterId: string;
  /** The study page's API key value and the guest-session signing key. */
  let secretIds: string[];
  let sqs: SQSClient;
  let secrets: SecretsManagerClient;
  let cloudformation: CloudFormationClient;
  let s3: S3Client;

  const ofType = (type: string) =>
    Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const queueAttributes = async (logicalId: string) =>
    (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: physical[logicalId], AttributeNames: ['All'] }),
      )
    ).Attributes ?? {};

  beforeAll(async () => {
    const aws = localAws();
    if (!aws.sqsServer.startsWith('LocalStack')) {
      throw new Error(`this check needs LocalStack's CloudFormation; SQS is on ${aws.sqsServer}`);
    }
    const client = { region: DUMMY_AWS_ENV.AWS_REGION, endpoint: aws.endpoints.sqs };
    sqs = new SQSClient(client);
    secrets = new SecretsManagerClient(client);
    cloudformation = new CloudFormationClient(client);
    s3 = new S3Client({ ...client, forcePathStyle: true });

    const template = synthesize().template.toJSON() as { Resources: Record<string, Resource> };
    resources = Object.fromEntries(
      Object.entries(template.Resources).filter(([, resource]) =>
        DEPLOYED_TYPES.includes(resource.Type),
      ),
    );
    const queues = ofType('AWS::SQS::Queue');
    queueId = queues.find(([, queue]) => queue.Properties.RedrivePolicy)?.[0] ?? '';
    deadLetterId = queues.find(([, queue]) => !queue.Properties.RedrivePolicy)?.[0] ?? '';
    secretIds = ofType('AWS::SecretsManager::Secret').map(([id]) => id);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }),
      }),
    );
    await cloudformation.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateURL: `${aws.endpoints.sqs}/${bucket}/${key}`,
      }),
    );
    await waitUntilStackCreateComplete(
      { client: cloudformation, maxWaitTime: 120, minDelay: 1, maxDelay: 2 },
      { StackName: stackName },
    );
    const { StackResources = [] } = await cloudformation.send(
      new DescribeStackResourcesCommand({ StackName: stackName }),
    );
    physical = Object.fromEntries(
      StackResources.map((resource) => [resource.LogicalResourceId, resource.PhysicalResourceId]),
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled([
      cloudformation?.send(new DeleteStackCommand({ StackName: stackName })),
      s3
        ?.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))
        .then(() => s3.send(new DeleteBucketCommand({ Bucket: bucket }))),
    ]);
    for (const client of [sqs, secrets, cloudformation, s3]) client?.destroy();
  });

  it('deploys the two queues and the two secrets the stack holds, each to a physical resource', () => {
    expect(ofType('AWS::SQS::Queue')).toHaveLength(2);
    expect(secretIds).toHaveLength(2);
    expect(secretIds).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ApiKeyValue/),
        expect.stringMatching(/GuestTokenSecret/),
      ]),
    );
    expect([queueId, deadLetterId].every(Boolean)).toBe(true);
    expect(Object.keys(physical).sort()).toEqual(Object.keys(resources).sort());
    expect(Object.values(physical).every(Boolean)).toBe(true);
  });

  it('gives the jobs queue its redrive policy to the dead-letter queue, after maxReceiveCount receives', async () => {
    const queue = await queueAttributes(queueId);
    const deadLetter = await queueAttributes(deadLetterId);
    expect(JSON.parse(queue.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: deadLetter.QueueArn,
      maxReceiveCount: jobsQueue.maxReceiveCount,
    });
    expect(physical[queueId]).toMatch(new RegExp(`/${TEST_CONTEXT.env}-iscoolgpt-jobs$`));
    expect(physical[deadLetterId]).toMatch(new RegExp(`/${TEST_CONTEXT.env}-iscoolgpt-jobs-dlq$`));
  });

  it('gives the jobs queue the visibility timeout, retention and long polling the worker relies on', async () => {
    expect(await queueAttributes(queueId)).toMatchObject({
      VisibilityTimeout: String(jobsQueue.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(jobsQueue.retentionSeconds),
      ReceiveMessageWaitTimeSeconds: String(jobsQueue.receiveWaitTimeSeconds),
      SqsManagedSseEnabled: 'true',
    });
  });

  it('keeps dead letters for their own, longer retention', async () => {
    const { MessageRetentionPeriod } = await queueAttributes(deadLetterId);
    expect(MessageRetentionPeriod).toBe(String(jobsQueue.deadLetterRetentionSeconds));
  });

  it("tags the queues with the app's project and environment tags", async () => {
    for (const [id] of ofType('AWS::SQS::Queue')) {
      const { Tags } = await sqs.send(new ListQueueTagsCommand({ QueueUrl: physical[id] }));
      expect(Tags).toMatchObject({ project: 'iscoolgpt', environment: TEST_CONTEXT.env });
    }
  });

  it('creates each secret with its description and a generated value as the template asks', async () => {
    for (const secretId of secretIds) {
      const secret = resources[secretId]!.Properties;
      const generate = secret.GenerateSecretString as { PasswordLength: number };
      const described = await secrets.send(
        new DescribeSecretCommand({ SecretId: physical[secretId] }),
      );
      expect(described.Description).toBe(secret.Description);
      const { SecretString = '' } = await secrets.send(
        new GetSecretValueCommand({ SecretId: physical[secretId] }),
      );
      // ExcludePunctuation, no space: letters and digits only, of the asked length.
      expect(SecretString).toMatch(new RegExp(`^[A-Za-z0-9]{${generate.PasswordLength}}$`));
    }
  });
});
