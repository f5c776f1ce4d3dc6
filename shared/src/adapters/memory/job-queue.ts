import type { JobMessage } from '../../domain/job.js';
import type { JobQueue, JobSource, Logger, MessageHandler } from '../../domain/ports.js';

export interface MemoryJobQueueOptions {
  /** Messages handled at once (WORKER_CONCURRENCY). */
  concurrency: number;
  /** Wait before a message whose handler threw is delivered again (SQS: the visibility timeout). */
  redeliveryDelayMs: number;
  /** Deliveries before the message is dead-lettered (SQS: the redrive policy's maxReceiveCount). */
  maxReceiveCount: number;
  onDeadLetter: (message: JobMessage) => Promise<void>;
  logger: Logger;
}

interface Delivery {
  message: JobMessage;
  receives: number;
}

/**
 * The embedded-mode queue: the same delivery contract as SQS (resolve = delete, throw = deliver
 * again later, dead-letter after maxReceiveCount), in one process and without persistence.
 */
export class MemoryJobQueue implements JobQueue, JobSource {
  private readonly pending: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly redeliveries = new Set<NodeJS.Timeout>();
  private handler: MessageHandler | undefined;
  private stopping = false;

  constructor(private readonly options: MemoryJobQueueOptions) {}

  async send(message: JobMessage): Promise<void> {
    if (this.stopping) throw new Error('queue is shutting down');
    this.pending.push({ message, receives: 0 });
    this.pump();
  }

  start(handler: MessageHandler): void {
    this.handler = handler;
    this.stopping = false;
    this.pump();
  }

  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    for (const timer of this.redeliveries) clearTimeout(timer);
    this.redeliveries.clear();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
    if (this.pending.length > 0 || this.inFlight.size > 0) {
      this.options.logger.warn(
        { pending: this.pending.length, inFlight: this.inFlight.size },
        'embedded queue stopped with unfinished jobs (the in-memory queue does not persist them)',
      );
    }
  }

  private pump(): void {
    const handler = this.handler;
    if (!handler) return;
    while (!this.stopping && this.inFlight.size < this.options.concurrency) {
      const delivery = this.pending.shift();
      if (!delivery) return;
      this.deliver(handler, delivery);
    }
  }

  private deliver(handler: MessageHandler, delivery: Delivery): void {
    delivery.receives += 1;
    const run = handler(delivery.message)
      .then(
        () => undefined,
        (error: unknown) => this.failed(delivery, error),
      )
      .finally(() => {
        this.inFlight.delete(run);
        this.pump();
      });
    this.inFlight.add(run);
  }

  private async failed(delivery: Delivery, error: unknown): Promise<void> {
    const logger = this.options.logger.child({ jobId: delivery.message.jobId });
    if (delivery.receives >= this.options.maxReceiveCount) {
      logger.error({ err: error, receives: delivery.receives }, 'message dead-lettered');
      await this.options.onDeadLetter(delivery.message);
      return;
    }
    logger.warn({ err: error, receives: delivery.receives }, 'message will be delivered again');
    const timer = setTimeout(() => {
      this.redeliveries.delete(timer);
      this.pending.push(delivery);
      this.pump();
    }, this.options.redeliveryDelayMs);
    this.redeliveries.add(timer);
  }
}
