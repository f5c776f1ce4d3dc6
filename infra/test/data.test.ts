import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultResourceNames, jobsQueue, jobsTable } from '../lib/shared-resources.js';
import { onlyResource, synthesize, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

describe('jobs table', () => {
  it('is keyed on the same partition key the DynamoDB adapter and aws:bootstrap use', () => {
    app.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: `test-${defaultResourceNames.table}`,
      KeySchema: [{ AttributeName: jobsTable.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: jobsTable.partitionKey, AttributeType: 'S' },
      ]),
    });
  });

  it("finds a principal's conversations and keys by the owner index the adapter queries, never a scan", () => {
    const { ownerIndex } = jobsTable;
    app.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: ownerIndex.name,
          KeySchema: [
            { AttributeName: ownerIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: ownerIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('bills on demand: traffic is bursty and there is no capacity to tune', () => {
    app.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('expires jobs through TTL on the attribute the store writes (JOB_TTL_DAYS)', () => {
    app.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: jobsTable.ttlAttribute, Enabled: true },
    });
  });

  it('has point-in-time recovery so a bad deploy that corrupts jobs can be rewound', () => {
    app.template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('is encrypted with a KMS key whose use shows in CloudTrail', () => {
    // SSEEnabled selects the AWS managed key aws/dynamodb instead of the invisible AWS owned key.
    app.template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('survives stack deletion and replacement (it holds user data), but not a create that rolled back', () => {
    app.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('has no deletion protection, which would stop a failed first create from removing it (its name is fixed)', () => {
    const { resource } = onlyResource(app.template, 'AWS::DynamoDB::Table');
    expect(resource.Properties.TableName).toBe(`test-${defaultResourceNames.table}`);
    expect(resource.Properties.DeletionProtectionEnabled).toBeUndefined();
  });
});

describe('jobs queue and dead-letter queue', () => {
  const queue = () =>
    onlyResource(app.template, 'AWS::SQS::Queue', {
      Properties: { QueueName: `test-${defaultResourceNames.queue}` },
    });
  const deadLetterQueue = () =>
    onlyResource(app.template, 'AWS::SQS::Queue', {
      Properties: { QueueName: `test-${defaultResourceNames.deadLetterQueue}` },
    });

  it('hides a received job longer than one provider call, so a slow call is not handed to a second worker', () => {
    const { Properties } = queue().resource;
    expect(Properties.VisibilityTimeout).toBe(jobsQueue.visibilityTimeoutSeconds);
    expect(Properties.VisibilityTimeout).toBeGreaterThan(app.config.app.llmTimeoutSeconds);
  });

  it('moves a job that failed maxReceiveCount deliveries to the dead-letter queue', () => {
    expect(queue().resource.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueue().id, 'Arn'] },
      maxReceiveCount: jobsQueue.maxReceiveCount,
    });
  });

  it('keeps messages as long as aws:bootstrap does, and dead letters long enough to investigate', () => {
    expect(queue().resource.Properties.MessageRetentionPeriod).toBe(jobsQueue.retentionSeconds);
    expect(deadLetterQueue().resource.Properties.MessageRetentionPeriod).toBe(
      jobsQueue.deadLetterRetentionSeconds,
    );
  });

  it('long-polls, so idle workers do not pay for empty receives', () => {
    expect(queue().resource.Properties.ReceiveMessageWaitTimeSeconds).toBe(
      jobsQueue.receiveWaitTimeSeconds,
    );
  });

  it('encrypts both queues at rest (questions are user content)', () => {
    expect(queue().resource.Properties.SqsManagedSseEnabled).toBe(true);
    expect(deadLetterQueue().resource.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('refuses any request not made over TLS, on both queues', () => {
    for (const { id } of [queue(), deadLetterQueue()]) {
      app.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });
});
