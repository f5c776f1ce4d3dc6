import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { jobMessageSchema, type JobMessage } from '../../domain/job.js';
import type { JobSource, Logger, MessageHandler } from '../../domain/ports.js';

export interface SqsJobSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Messages handled at once (WORKER_CONCURRENCY). */
  concurrency: number;
  /** How long a received message stays hidden from other workers (the queue's setting). */
  visibilityTimeoutSeconds: number;
  /** While a message is in hand, it is hidden for another visibility timeout this often. */
  heartbeatSeconds: number;
  /** Long polling: how long one receive waits for a message. */
  waitTimeSeconds: number;
  /**
   * When a body that is not a job message shows up again. On the jobs queue 0: it spends its
   * deliveries at once and SQS moves it to the dead-letter queue. On the dead-letter queue,
   * hours: it is kept there for a person to look at.
   */
  poisonRedeliverySeconds: number;
  /** Runs with each heartbeat (the worker renews the job's lease along with the message's). */
  onHeartbeat?: (message: JobMessage) => Promise<void>;
  logger: Logger;
}

/** Longest pause between receives while SQS keeps failing. */
const MAX_ERROR_BACKOFF_MS = 10_000;

class PoisonMessageError extends Error {
  constructor(messageId: string | undefined) {
    super(`SQS message ${messageId ?? '(no id)'} is not a job message`);
    this.name = 'PoisonMessageError';
  }
}

/**
 * Takes job messages from an SQS queue with sqs-consumer: one long-polling consumer per
 * concurrency slot, so a slow job never holds back a batch. Delivery contract: the handler
 * resolving deletes the message; throwing leaves it to be delivered again, and after the
 * queue's maxReceiveCount SQS moves it to the dead-letter queue.
 *
 * sqs-consumer polls and dispatches; the message's life after receipt (heartbeat, delete) is
 * handled here because sqs-consumer runs its own heartbeat and delete under the abort signal that
 * `stop({ abort: true })` fires: stopping the receives at shutdown would also stop the heartbeats
 * and deletes of the jobs still finishing.
 */
export class SqsJobSource implements JobSource {
  private readonly consumers: Consumer[] = [];
  private readonly inHand = new Set<Promise<unknown>>();
  /** Visibility to give a message whose handling failed, by message id, when not the default. */
  private readonly redeliverAfter = new Map<string, number>();
  private stopping = false;

  constructor(private readonly options: SqsJobSourceOptions) {}

  start(handler: MessageHandler): void {
    this.stopping = false;
    for (let slot = 0; slot < this.options.concurrency; slot++) {
      const consumer = Consumer.create({
        queueUrl: this.options.queueUrl,
        sqs: this.options.sqs,
        batchSize: 1,
        visibilityTimeout: this.options.visibilityTimeoutSeconds,
        waitTimeSeconds: this.options.waitTimeSeconds,
        messageSystemAttributeNames: ['ApproximateReceiveCount'],
        shouldDeleteMessages: false,
        strictReturn: true,
        handleMessage: (message) => this.track(this.handle(message, handler)),
        terminateVisibilityTimeout: ([message]) => this.redeliveryDelay(message),
      });
      this.backOffOnErrors(consumer);
      consumer.start();
      this.consumers.push(consumer);
    }
  }

  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    for (const consumer of this.consumers.splice(0)) consumer.stop({ abort: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.inHand]), timeout]);
    clearTimeout(timer);
    if (this.inHand.size > 0) {
      this.options.logger.warn(
        { inHand: this.inHand.size, queueUrl: this.options.queueUrl },
        'stopped with messages still in hand; they will be delivered again after the visibility timeout',
      );
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inHand.add(work);
    const forget = () => this.inHand.delete(work);
    work.then(forget, forget);
    return work;
  }

  private async handle(raw: Message, handler: MessageHandler): Promise<Message> {
    const receives = Number(raw.Attributes?.ApproximateReceiveCount ?? 1);
    const message = parseJobMessage(raw.Body);
    if (!message) {
      this.redeliverAfter.set(raw.MessageId ?? '', this.options.poisonRedeliverySeconds);
      this.options.logger.error(
        {
          messageId: raw.MessageId,
          receives,
          bodyLength: raw.Body?.length ?? 0,
          queueUrl: this.options.queueUrl,
        },
        'message is not a job message; left on the queue (the redrive policy moves it to the dead-letter queue)',
      );
      throw new PoisonMessageError(raw.MessageId);
    }
    const logger = this.options.logger.child({ jobId: message.jobId });
    const heartbeat = setInterval(
      () => void this.heartbeat(raw, message, logger),
      this.options.heartbeatSeconds * 1000,
    );
    try {
      await handler(message);
    } catch (error) {
      logger.warn({ err: error, receives }, 'job message not handled; it will be delivered again');
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
    // Deleted only now that the outcome is stored. Not under sqs-consumer's abort signal, so a job
    // finishing during shutdown still deletes its message.
    try {
      await this.options.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: this.options.queueUrl,
          ReceiptHandle: raw.ReceiptHandle,
        }),
      );
    } catch (error) {
      // The outcome is stored: the next delivery finds the job settled and only deletes it.
      logger.warn({ err: error }, 'deleting a handled message failed; it will be delivered again');
      throw error;
    }
    return raw;
  }

  private async heartbeat(raw: Message, message: JobMessage, logger: Logger): Promise<void> {
    try {
      await this.options.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.options.queueUrl,
          ReceiptHandle: raw.ReceiptHandle,
          VisibilityTimeout: this.options.visibilityTimeoutSeconds,
        }),
      );
      await this.options.onHeartbeat?.(message);
    } catch (error) {
      logger.warn({ err: error }, 'heartbeat failed; the job may be delivered to another worker');
    }
  }

  private redeliveryDelay(message: Message | undefined): number {
    const id = message?.MessageId ?? '';
    const seconds = this.redeliverAfter.get(id);
    this.redeliverAfter.delete(id);
    return seconds ?? this.options.visibilityTimeoutSeconds;
  }

  /**
   * sqs-consumer polls again at once after a failed receive (other than a connection error): back
   * off while SQS keeps failing, so a missing queue or a revoked permission does not spin.
   */
  private backOffOnErrors(consumer: Consumer): void {
    let backoffMs = 0;
    const recovered = () => {
      if (backoffMs === 0) return;
      backoffMs = 0;
      consumer.updateOption('pollingWaitTimeMs', 0);
    };
    consumer.on('empty', recovered);
    consumer.on('message_received', recovered);
    consumer.on('error', (error, message) => {
      if (this.stopping) return; // aborted receives and calls after stop() are expected
      if (message) {
        this.options.logger.warn({ err: error }, 'SQS call for a message failed');
        return;
      }
      backoffMs = Math.min(MAX_ERROR_BACKOFF_MS, Math.max(500, backoffMs * 2));
      consumer.updateOption('pollingWaitTimeMs', backoffMs);
      this.options.logger.warn(
        { err: error, queueUrl: this.options.queueUrl, retryInMs: backoffMs },
        'receiving from SQS failed',
      );
    });
  }
}

function parseJobMessage(body: string | undefined): JobMessage | undefined {
  try {
    const parsed = jobMessageSchema.safeParse(JSON.parse(body ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
