import { LimitReachedError, type Metrics, type Principal } from '@iscoolgpt/shared';

/** A client refused a stream may try again this soon (another of theirs may have ended). */
const STREAM_RETRY_SECONDS = 5;

/** One event stream's place on this process, from before it opens until it ends. */
export interface StreamSlot {
  /** Ends the stream: aborted when its client leaves, or when the process closes (endAll). */
  readonly stop: AbortController;
  /** Gives the slot back once the stream has ended or will not be sent (later calls: nothing). */
  release(): void;
}

/**
 * The event streams this api process is sending: counted per principal (QUOTA_OPEN_STREAMS; 0:
 * unlimited), so one client cannot hold the process's connections (apps are governed by their
 * usage plan), and ended all at once when the process closes.
 */
export class OpenStreams {
  private readonly open = new Map<string, number>();
  private readonly running = new Set<AbortController>();

  constructor(
    private readonly limit: number,
    private readonly metrics: Metrics,
  ) {}

  /** A slot for one of the principal's streams, or LimitReachedError when they hold them all. */
  take(principal: Principal): StreamSlot {
    const counted = this.limit > 0 && principal.kind !== 'app';
    if (counted) this.count(principal.id);
    const stop = new AbortController();
    this.running.add(stop);
    let released = false;
    return {
      stop,
      release: () => {
        if (released) return;
        released = true;
        this.running.delete(stop);
        if (counted) this.uncount(principal.id);
      },
    };
  }

  /**
   * The process is closing: every stream ends now, without its `done` (and its connection with
   * it: connections.ts). Clients reconnect (the `retry:` hint) with Last-Event-ID and resume on
   * another api process; none holds this one's shutdown until its client leaves.
   */
  endAll(): void {
    for (const stop of this.running) stop.abort();
  }

  private count(principalId: string): void {
    const count = this.open.get(principalId) ?? 0;
    if (count >= this.limit) {
      this.metrics.quotaDenied('too_many_streams');
      throw new LimitReachedError('too_many_streams', 'streams', this.limit, STREAM_RETRY_SECONDS);
    }
    this.open.set(principalId, count + 1);
  }

  private uncount(principalId: string): void {
    const left = (this.open.get(principalId) ?? 1) - 1;
    if (left > 0) this.open.set(principalId, left);
    else this.open.delete(principalId);
  }
}
