import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { defaultResourceNames, jobsQueue } from '../../shared-resources.js';

export interface JobsQueueProps {
  readonly envName: string;
}

/**
 * The jobs queue and its dead-letter queue, with the visibility timeout, redrive count and
 * retention that `npm run aws:bootstrap` uses locally. A message the worker fails on
 * `maxReceiveCount` times moves to the DLQ; the worker's dead-letter consumer settles its job as
 * failed, and an alarm fires.
 */
export class JobsQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: JobsQueueProps) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${props.envName}-${defaultResourceNames.deadLetterQueue}`,
      retentionPeriod: Duration.seconds(jobsQueue.deadLetterRetentionSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: `${props.envName}-${defaultResourceNames.queue}`,
      visibilityTimeout: Duration.seconds(jobsQueue.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(jobsQueue.retentionSeconds),
      receiveMessageWaitTime: Duration.seconds(jobsQueue.receiveWaitTimeSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: jobsQueue.maxReceiveCount,
      },
    });
  }
}
