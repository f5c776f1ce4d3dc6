import { LimitReachedError, type Metrics, type Principal } from '@iscoolgpt/shared';

/** A client refused a stream may try again this soon (another of theirs may have ended). */
const STREAM_RETRY_SECONDS = 5;

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

  /** Takes one of the principal's slots, or throws LimitReachedError; call the result once done. */
  take(principal: Principal): () => void {
    if (this.limit === 0 || principal.kind === 'app') return () => {};
    const count = this.open.get(principal.id) ?? 0;
    if (count >= this.limit) {
      this.metrics.quotaDenied('too_many_streams');
      throw new LimitReachedError('too_many_streams', 'streams', this.limit, STREAM_RETRY_SECONDS);
    }
    this.open.set(principal.id, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(principal.id) ?? 1) - 1;
      if (left > 0) this.open.set(principal.id, left);
      else this.open.delete(principal.id);
    };
  }

  /** Holds a stream being sent until the result is called; `stop` ends it early (endAll). */
  hold(stop: AbortController): () => void {
    this.running.add(stop);
    return () => this.running.delete(stop);
  }

  /**
   * The process is closing: every stream ends now, without its `done` (and its connection with
   * it: connections.ts). Clients reconnect (the `retry:` hint) with Last-Event-ID and resume on
   * another api process; none holds this one's shutdown until its client leaves.
   */
  endAll(): void {
    for (const stop of this.running) stop.abort();
  }
}
