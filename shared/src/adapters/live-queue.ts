/**
 * Turns pushed items (a pub/sub message, an in-process listener) into an async iteration that a
 * reader pulls at its own pace and that ends when its signal aborts. Written by hand because it is
 * ten lines over a promise, and both event-channel adapters need exactly this.
 */
export class LiveQueue<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;
  private failure: unknown;
  private failed = false;
  private aborted = false;

  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }

  /** Ends the iteration with this error once the items already pushed are read. */
  fail(error: unknown): void {
    this.failure = error;
    this.failed = true;
    this.wake?.();
  }

  /** The items as they come, until `signal` aborts; `onEnd` runs once the reader is done. */
  async *drain(signal: AbortSignal, onEnd?: () => void): AsyncGenerator<T> {
    // Read once and then kept by the listener: `signal.aborted` of a composed signal
    // (AbortSignal.any) walks its sources on every read, and this loop turns once per item.
    // The queue itself listens (handleEvent): no closure per follow, and follows are per job.
    this.aborted = signal.aborted;
    signal.addEventListener('abort', this, { once: true });
    try {
      while (!this.aborted) {
        const item = this.items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (this.failed) throw this.failure;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', this);
      onEnd?.();
    }
  }

  /** The drained signal aborted: wake the reader so that it ends. */
  handleEvent(): void {
    this.aborted = true;
    this.wake?.();
  }
}
