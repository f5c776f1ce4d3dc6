import type { Logger } from './ports.js';

/**
 * Calls to a store that is never the source of truth (the answer cache): each bounded in time,
 * and a failure or a slow reply is a quiet null, so the caller goes on as if nothing were kept.
 * An outage is logged once, at its start, and its end once.
 */
export class BoundedCalls {
  private down = false;

  constructor(
    private readonly options: {
      timeoutMs: number;
      logger: Logger;
      /** What the store is, in the log lines (`answer cache`). */
      name: string;
    },
  ) {}

  /**
   * What `call` resolves with; null when it failed or took longer than the timeout. A call that
   * answers at once (an in-process store: no promise) has nothing to bound, and sets no timer.
   */
  async run<T>(call: () => T | Promise<T>): Promise<T | null> {
    const { timeoutMs, logger, name } = this.options;
    let timer: NodeJS.Timeout | undefined;
    try {
      const pending = call();
      const result = !(pending instanceof Promise)
        ? pending
        : await Promise.race([
            pending,
            new Promise<never>((_, reject) => {
              // A reply that came while the event loop was busy (a process's cold first request)
              // is read in the turn after the timer's: it counts as in time.
              timer = setTimeout(
                () => setImmediate(() => reject(new Error(`no reply within ${timeoutMs} ms`))),
                timeoutMs,
              );
            }),
          ]);
      if (this.down) logger.info({}, `${name} available again`);
      this.down = false;
      return result;
    } catch (error) {
      if (!this.down) logger.warn({ err: error }, `${name} unavailable; going on without it`);
      this.down = true;
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
