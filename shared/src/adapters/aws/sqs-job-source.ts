import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { context } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer } from 'sqs-consumer';
import { jobMessageSchema, type JobMessage } from '../../domain/job.js';
import type { JobSource, Logger, MessageHandler } from '../../domain/ports.js';
import { inSpan } from '../../domain/tracing.js';
import { messagingSpan, TRACE_CONTEXT_ATTRIBUTES, traceContextOf } from './sqs-trace-context.js';

export interface SqsJobSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Messages handled at once (WORKER_CONCURRENCY). */
  concurrency: number;
  /** How long a received message stays hidden from other workers (the queue's setting). */
  visibilityTimeoutSeconds: number;
  /** While a message is in hand, it is hidden for another visibility timeout this often. */
  heartbeatSeconds: number;
  /** Long polling: how long one receive waits for a message (the queue's setting). */
  waitTimeSeconds: number;
  /**
   * When a body that is not a job message shows up again. On the jobs queue 0: it spends its
   * deliveries at once and SQS moves it to the dead-letter queue. On the dead-letter queue,
   * hours: it is kept there for a person to look at.
   */
  poisonRedeliverySeconds: number;
  /** Runs with each heartbeat while a message is in hand (the worker renews the job's lease). */
  onHeartbeat?: (message: JobMessage) => Promise<void>;
  /**
   * Runs each time a slot's loop turns: a receive answered (empty or not) or failed, or a
   * heartbeat of a job in hand. The worker touches its liveness file here.
   */
  onPoll?: () => void;
  logger: Logger;
}

/** Longest pause between receives while SQS keeps failing. */
const MAX_ERROR_BACKOFF_MS = 10_000;

class UnhandledMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnhandledMessageError';
  }
}

/**
 * Takes job messages from an SQS queue with sqs-consumer: one long-polling consumer per
 * concurrency slot, so a slow job never holds back a batch. The handler resolving deletes the
 * message (sqs-consumer deletes it once the outcome is stored); throwing leaves it to be delivered
 * again, and after the queue's maxReceiveCount SQS moves it to the dead-letter queue. While a
 * message is in hand, sqs-consumer's heartbeat keeps it hidden.
 */
export class SqsJobSource implements JobSource {
  private readonly consumers: Consumer[] = [];
  /** Visibility to give a message whose handling failed, by message id, when not the default. */
  private readonly redeliverAfter = new Map<string, number>();
  private inHand = 0;

  constructor(private readonly options: SqsJobSourceOptions) {}

  start(handler: MessageHandler): void {
    for (let slot = 0; slot < this.options.concurrency; slot++) {
      const consumer = Consumer.create({
        queueUrl: this.options.queueUrl,
        sqs: this.options.sqs,
        batchSize: 1,
        visibilityTimeout: this.options.visibilityTimeoutSeconds,
        heartbeatInterval: this.options.heartbeatSeconds,
        waitTimeSeconds: this.options.waitTimeSeconds,
        messageSystemAttributeNames: ['ApproximateReceiveCount'],
        messageAttributeNames: TRACE_CONTEXT_ATTRIBUTES,
        strictReturn: true,
        handleMessage: (message) => this.handle(message, handler),
        terminateVisibilityTimeout: ([message]) => this.redeliveryDelay(message),
      });
      this.backOffOnErrors(consumer);
      consumer.start();
      this.consumers.push(consumer);
    }
  }

  /**
   * Stops polling and waits, at most `timeoutMs`, for every slot to finish what it has: the job
   * in hand (outcome stored, message deleted) and the long poll under way, whose message, if it
   * brings one, is handled like any other. No slot polls again.
   *
   * Why a poll under way is neither aborted nor handed back: aborting a ReceiveMessage only
   * closes the client's side. SQS still hands a message to the abandoned poll, and that message
   * stays hidden for a whole visibility timeout with one receive spent (aws-sdk-js#2350,
   * aws-sdk-java-v2#1395, aws-sdk-net#1680; moto does the same). Handing a message back at once
   * (visibility 0) lets this worker's other open polls take it again, each time spending a
   * receive, until the redrive policy dead-letters a fresh job. A message received after the stop
   * began is answered here, on its first receive, within the shutdown budget.
   */
  async stop(timeoutMs: number): Promise<void> {
    const consumers = this.consumers.splice(0);
    for (const consumer of consumers) consumer.stop();
    const deadline = Date.now() + timeoutMs;
    while (consumers.some((consumer) => consumer.status.isPolling) && Date.now() < deadline) {
      await sleep(50);
    }
    if (this.inHand > 0) {
      this.options.logger.warn(
        { inHand: this.inHand, queueUrl: this.options.queueUrl },
        'stopped with jobs still in hand; they will be delivered again after the visibility timeout',
      );
    }
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
      throw new UnhandledMessageError('not a job message');
    }
    const logger = this.options.logger.child({ jobId: message.jobId });
    const { onHeartbeat, onPoll } = this.options;
    // Beside sqs-consumer's own heartbeat (the message), at the same pace: the job's lease, and
    // the liveness a long job would otherwise starve (its slot polls nothing meanwhile).
    const heartbeat =
      (onHeartbeat || onPoll) &&
      setInterval(() => {
        onPoll?.();
        onHeartbeat?.(message).catch((error: unknown) =>
          logger.warn({ err: error }, 'job lease renewal failed'),
        );
      }, this.options.heartbeatSeconds * 1000);
    this.inHand += 1;
    try {
      // In the ask's trace when the message carries its context.
      const { name, options } = messagingSpan('process', this.options.queueUrl);
      await context.with(traceContextOf(raw.MessageAttributes), () =>
        inSpan(name, options, () => handler(message)),
      );
      return raw;
    } catch (error) {
      logger.warn({ err: error, receives }, 'job message not handled; it will be delivered again');
      throw error;
    } finally {
      this.inHand -= 1;
      clearInterval(heartbeat);
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
    const turned = this.options.onPoll ?? (() => {});
    consumer.on('empty', () => (turned(), recovered()));
    consumer.on('message_received', () => (turned(), recovered()));
    consumer.on('error', (error, message) => {
      turned();
      if (message) {
        // A heartbeat, delete or release that failed: the message comes back, and its next
        // delivery finds the job's state in the store.
        this.options.logger.warn({ err: error }, 'SQS call for a message in hand failed');
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
