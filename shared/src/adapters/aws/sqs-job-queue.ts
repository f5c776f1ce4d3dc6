import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { JobMessage } from '../../domain/job.js';
import type { JobQueue } from '../../domain/ports.js';
import { inSpan } from '../../domain/tracing.js';
import { messagingSpan, traceContextAttributes } from './sqs-trace-context.js';

/**
 * Sends jobs to SQS. The message carries the job id only (the question stays in the table) and,
 * when the ask is traced, its trace context as message attributes.
 */
export class SqsJobQueue implements JobQueue {
  private readonly span: ReturnType<typeof messagingSpan>;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {
    this.span = messagingSpan('send', queueUrl);
  }

  send(message: JobMessage): Promise<void> {
    return inSpan(this.span.name, this.span.options, async () => {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify({ jobId: message.jobId } satisfies JobMessage),
          MessageAttributes: traceContextAttributes(),
        }),
      );
    });
  }
}
