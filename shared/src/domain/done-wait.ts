import type { EventChannel, JobStore } from './ports.js';

/** The reason a finished wait stops its follow with (a given reason spares a DOMException). */
const WAIT_OVER = Symbol('wait over');

/**
 * A sync ask's wait for its job's `done` event, `waitMs` at most. When the channel fails, or says
 * nothing about the job for `graceMs`, the store is watched as well. Callbacks and one timer
 * rather than a race of promises and two timers: this runs once per sync ask.
 */
export class DoneWait {
  readonly over: Promise<void>;
  private readonly stop = new AbortController();
  private readonly startedAt = performance.now();
  private timer: NodeJS.Timeout;
  private heard = false;
  private polling = false;
  private ended = false;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;

  constructor(
    private readonly channel: EventChannel,
    private readonly store: JobStore,
    private readonly id: string,
    private readonly waitMs: number,
    private readonly graceMs: number,
  ) {
    this.over = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setTimeout(() => this.graceOver(), Math.min(graceMs, waitMs));
    this.follow().then(
      // The follow has let go of the channel: no abort (and no abort event) is needed.
      () => this.end(false),
      () => this.poll(),
    );
  }

  private async follow(): Promise<void> {
    for await (const event of this.channel.follow(this.id, this.channel.origin, this.stop.signal)) {
      this.heard = true;
      if (event.type === 'done') return;
    }
  }

  private graceOver(): void {
    if (this.waitMs <= this.graceMs) return this.end(true);
    if (!this.heard) this.poll();
    this.timer = setTimeout(() => this.end(true), this.waitMs - this.elapsedMs());
  }

  private poll(): void {
    if (this.ended || this.polling) return;
    this.polling = true;
    this.store.waitUntilSettled(this.id, this.waitMs - this.elapsedMs()).then(
      () => this.end(true),
      (error: unknown) => this.end(true, error),
    );
  }

  private elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  private end(stopFollowing: boolean, error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    if (stopFollowing) this.stop.abort(WAIT_OVER);
    if (error === undefined) this.resolve();
    else this.reject(error);
  }
}
