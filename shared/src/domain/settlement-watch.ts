import { isSettled, type JobRecord } from './job.js';

/**
 * Tells the followers of many jobs when the store shows one settled, with one batched read of all
 * watched jobs per round instead of one read per follower: a thousand open streams cost a handful
 * of BatchGetItem calls every round, not a thousand GetItem calls. It backs the event channel,
 * which normally says first; this catches a `done` whose publish was lost.
 */
export class SettlementWatch {
  private readonly watchers = new Map<string, Set<(job: JobRecord) => void>>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    /** The latest state of these jobs (missing ones left out), overdue ones settled. */
    private readonly read: (ids: readonly string[]) => Promise<JobRecord[]>,
    private readonly everyMs: number,
  ) {}

  /** Calls `onSettled` once a round's read shows the job settled; returns what stops watching. */
  watch(jobId: string, onSettled: (job: JobRecord) => void): () => void {
    let callbacks = this.watchers.get(jobId);
    if (!callbacks) this.watchers.set(jobId, (callbacks = new Set()));
    callbacks.add(onSettled);
    this.timer ??= setInterval(() => void this.check(), this.everyMs);
    // An open stream keeps the process alive by its own socket; this timer must not.
    this.timer.unref();
    return () => {
      callbacks.delete(onSettled);
      if (callbacks.size === 0 && this.watchers.get(jobId) === callbacks) {
        this.watchers.delete(jobId);
      }
      if (this.watchers.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private async check(): Promise<void> {
    // A round slower than the interval (a throttled store) is not stacked with another.
    if (this.checking || this.watchers.size === 0) return;
    this.checking = true;
    try {
      for (const job of await this.read([...this.watchers.keys()])) {
        if (!isSettled(job.status)) continue;
        for (const onSettled of [...(this.watchers.get(job.id) ?? [])]) onSettled(job);
      }
    } catch {
      // The store failed this round: the next one tries again, and the channel still speaks.
    } finally {
      this.checking = false;
    }
  }
}
