import { RESET_REASONS, type JobEvent } from './events.js';
import type { EventPublisher } from './event-publisher.js';

/** Delta events a job may publish per second, in the long run. */
export const DELTAS_PER_SECOND = 20;
/** How many may go out back to back after a pause (the token bucket's size). */
const DELTA_BURST = 2;

/**
 * The answer text of one job on its way to the channel, coalesced by a token bucket: at most
 * DELTAS_PER_SECOND events a second in the long run, yet a piece that arrives after a pause goes
 * out at once (time to first word matters most, and a provider writing 20 pieces a second with
 * jitter is not held back to a fixed beat). Pieces that arrive faster are joined into one event.
 * Events leave in order. A restart publishes `reset` only when text was already published.
 * It remembers the text it published since the last reset: what a cancelled job keeps.
 */
export class DeltaPacer {
  private buffer = '';
  private timer: NodeJS.Timeout | undefined;
  private arming: NodeJS.Immediate | undefined;
  private tokens = DELTA_BURST;
  private refilledAt = performance.now();
  private published = false;
  private closed = false;
  private tail: Promise<unknown> = Promise.resolve();
  /** The text of the deltas published since the last reset. */
  private streamed = '';

  constructor(
    private readonly publisher: EventPublisher,
    private readonly jobId: string,
  ) {}

  write(text: string): void {
    if (this.closed || text === '') return;
    this.buffer += text;
    if (this.timer || this.arming) return;
    this.refill();
    if (this.tokens >= 1) this.send();
    // The refill timer is set once this turn of the event loop is over: a provider that hands
    // over its whole answer at once (the offline one) is flushed by then, and needs no timer.
    else this.arming = setImmediate(() => this.arm());
  }

  private arm(): void {
    this.arming = undefined;
    if (!this.buffer || this.closed) return;
    this.refill();
    if (this.tokens >= 1) return this.send();
    const wait = ((1 - this.tokens) * 1000) / DELTAS_PER_SECOND;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      this.send();
    }, wait);
  }

  restart(reason: keyof typeof RESET_REASONS): void {
    if (this.closed) return;
    this.cancelTimer();
    this.buffer = '';
    if (!this.published) return;
    this.published = false;
    this.enqueue({ type: 'reset', reason: RESET_REASONS[reason] });
  }

  /** Sends what is buffered and resolves once every event has left. */
  async flush(): Promise<void> {
    if (this.buffer) this.send();
    await this.tail;
  }

  /** Drops what is buffered and publishes nothing more (the job was cancelled). */
  discard(): void {
    this.closed = true;
    this.cancelTimer();
    this.buffer = '';
  }

  /** The text published so far (since the last reset), once the event under way has left. */
  async streamedText(): Promise<string> {
    await this.tail;
    return this.streamed;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(
      DELTA_BURST,
      this.tokens + ((now - this.refilledAt) * DELTAS_PER_SECOND) / 1000,
    );
    this.refilledAt = now;
  }

  private send(): void {
    this.cancelTimer();
    const text = this.buffer;
    this.buffer = '';
    if (!text || this.closed) return;
    this.tokens -= 1;
    this.published = true;
    this.enqueue({ type: 'delta', text });
  }

  private enqueue(event: JobEvent): void {
    this.tail = this.tail.then(() => (this.closed ? undefined : this.publish(event)));
  }

  private async publish(event: JobEvent): Promise<void> {
    await this.publisher.publish(this.jobId, event);
    this.streamed = event.type === 'delta' ? this.streamed + event.text : '';
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearImmediate(this.arming);
    this.arming = undefined;
  }
}
