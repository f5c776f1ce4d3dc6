import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { JobMessage } from '../../domain/job.js';
import type { JobQueue } from '../../domain/ports.js';

/** Sends jobs to SQS. The message carries the job id only: the question stays in the table. */
export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: JobMessage): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({ jobId: message.jobId } satisfies JobMessage),
      }),
    );
  }
}
