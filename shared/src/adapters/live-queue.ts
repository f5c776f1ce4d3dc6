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

  async *drain(signal: AbortSignal): AsyncGenerator<T> {
    // Read once and then kept by the listener: `signal.aborted` of a composed signal
    // (AbortSignal.any) walks its sources on every read, and this loop turns once per item.
    let aborted = signal.aborted;
    const onAbort = () => {
      aborted = true;
      this.wake?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!aborted) {
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
      signal.removeEventListener('abort', onAbort);
    }
  }
}
