import { isSettled, type JobRecord } from '../../domain/job.js';

export interface SettlementPollerOptions {
  /** Reads the latest state of these jobs (missing ones are left out). */
  read: (ids: readonly string[]) => Promise<Map<string, JobRecord>>;
  /** The first check after a wait starts, doubled-ish (×1.5) after each check up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Checks due this close together share one read. */
const COALESCE_MS = 50;

interface Waiter {
  id: string;
  nextCheckAt: number;
  delayMs: number;
  done: (job: JobRecord | undefined) => void;
}

/**
 * Waits for jobs to settle by polling the store, without hammering it: each waiter's checks back
 * off (100 ms, 150 ms, … up to a cap), and the checks due within the same 50 ms are one batched
 * read, so one API instance sends at most about 20 read requests a second however many clients
 * wait (each request covering up to 100 jobs), and none when nobody waits.
 */
export class SettlementPoller {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private reading = false;

  constructor(private readonly options: SettlementPollerOptions) {}

  /** Resolves with the job once a read shows it settled, or with undefined after `timeoutMs`. */
  wait(id: string, timeoutMs: number): Promise<JobRecord | undefined> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        id,
        nextCheckAt: Date.now() + this.options.initialDelayMs,
        delayMs: this.options.initialDelayMs,
        done: (job) => {
          clearTimeout(deadline);
          this.waiters.delete(waiter);
          resolve(job);
        },
      };
      const deadline = setTimeout(() => waiter.done(undefined), timeoutMs);
      this.waiters.add(waiter);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.reading) return; // the running check reschedules when it ends
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiters.size === 0) return;
    const next = Math.min(...[...this.waiters].map((waiter) => waiter.nextCheckAt));
    this.timer = setTimeout(() => void this.check(), Math.max(0, next - Date.now()));
    // A pending wait belongs to an open HTTP request, which keeps the process alive by itself.
    this.timer.unref();
  }

  private async check(): Promise<void> {
    this.timer = undefined;
    const now = Date.now();
    // Checks due within the next few milliseconds ride along: one read instead of two.
    const due = [...this.waiters].filter((waiter) => waiter.nextCheckAt <= now + COALESCE_MS);
    for (const waiter of due) {
      waiter.delayMs = Math.min(this.options.maxDelayMs, Math.round(waiter.delayMs * 1.5));
      waiter.nextCheckAt = now + waiter.delayMs;
    }
    this.reading = true;
    try {
      const jobs = await this.options.read([...new Set(due.map((waiter) => waiter.id))]);
      for (const waiter of due) {
        const job = jobs.get(waiter.id);
        if (job && isSettled(job.status)) waiter.done(job);
      }
    } catch {
      // A failed check is retried at the waiter's next check; the caller's final read after the
      // timeout reports a store that stays down.
    } finally {
      this.reading = false;
      this.schedule();
    }
  }
}
