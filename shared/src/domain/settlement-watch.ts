import { isSettled, toPublicJob, type Job, type JobRecord } from './job.js';
import type { EndListener, EventChannel } from './ports.js';

/** How a watch learnt that its job settled: the channel's `done`, or a read of the store. */
export type HeardOn = 'channel' | 'store';
export type OnSettled = (job: Job, heardOn: HeardOn) => void;

export interface SettlementPace {
  /** How often the store is read for jobs the channel speaks about (default 10 s). */
  slowMs?: number;
  /** How often it is read for jobs the channel is down for, or silent about (default 250 ms). */
  fastMs?: number;
  /** How long the channel may say nothing about a job before it counts as silent (default 2 s). */
  graceMs?: number;
}

export interface SettlementWatchOptions extends SettlementPace {
  channel: EventChannel;
  /** The latest state of these jobs, missing ones left out (Settler.currentMany: overdue ones settled). */
  read: (ids: readonly string[]) => Promise<JobRecord[]>;
}

/**
 * THE way to wait for a job's end, for every waiter in a process: a sync ask, an event stream,
 * the worker's watch for a cancel. It listens for the job's `done` on the event channel (one
 * listener per job, however many wait for it) and, because the channel is never the source of
 * truth, reads the store as well: one batched read per round for every job that needs it. One
 * pacing rule: jobs the channel is down for, or has said nothing about for `graceMs`, are read at
 * the fast pace; all of them at the slow pace. A waiter that leaves costs nothing more, and a job
 * nobody waits for any longer is neither listened to nor read.
 */
export class SettlementWatch {
  private readonly channel: EventChannel;
  private readonly read: SettlementWatchOptions['read'];
  private readonly slowMs: number;
  private readonly fastMs: number;
  private readonly graceMs: number;
  private readonly jobs = new Map<string, Watched>();
  /** Watched jobs the channel has said nothing about yet, oldest first. */
  private readonly unheard = new Map<string, Watched>();
  /** Watched jobs whose listener the channel failed. */
  private readonly lost = new Set<Watched>();
  private ticker: NodeJS.Timeout | undefined;
  private lastFullReadAt = 0;
  private reading = false;

  constructor(options: SettlementWatchOptions) {
    this.channel = options.channel;
    this.read = options.read;
    this.slowMs = options.slowMs ?? 10_000;
    this.fastMs = options.fastMs ?? 250;
    this.graceMs = options.graceMs ?? 2000;
  }

  /** Calls `onSettled` once, when the job is seen settled; returns what stops watching. */
  watch(jobId: string, onSettled: OnSettled): () => void {
    let watched = this.jobs.get(jobId);
    if (!watched) {
      watched = new Watched(this, jobId);
      this.jobs.set(jobId, watched);
      this.unheard.set(jobId, watched);
      watched.unlisten = this.channel.listen(jobId, watched);
      if (!this.ticker) this.startTicking();
    }
    const entry = watched;
    entry.waiters.add(onSettled);
    return () => {
      if (entry.waiters.delete(onSettled) && entry.waiters.size === 0) this.drop(entry);
    };
  }

  /** The job once settled, or undefined when `timeoutMs` passes first. */
  until(jobId: string, timeoutMs: number): Promise<Job | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stop();
        resolve(undefined);
      }, timeoutMs);
      const stop = this.watch(jobId, (job) => {
        clearTimeout(timer);
        resolve(job);
      });
    });
  }

  /** @internal Called by a job's listener. */
  heard(watched: Watched): void {
    this.unheard.delete(watched.jobId);
  }

  /** @internal Called by a job's listener. */
  lose(watched: Watched): void {
    if (this.jobs.get(watched.jobId) === watched) this.lost.add(watched);
  }

  /** @internal The job settled: every waiter is told, and the job is no longer watched. */
  settled(watched: Watched, job: Job, heardOn: HeardOn): void {
    if (this.jobs.get(watched.jobId) !== watched) return;
    this.drop(watched);
    for (const onSettled of watched.waiters) onSettled(job, heardOn);
  }

  private drop(watched: Watched): void {
    if (this.jobs.get(watched.jobId) !== watched) return;
    this.jobs.delete(watched.jobId);
    this.unheard.delete(watched.jobId);
    this.lost.delete(watched);
    watched.unlisten?.();
  }

  private startTicking(): void {
    this.lastFullReadAt = performance.now();
    // One timer for the whole process; a pending wait belongs to an open request or a job in
    // hand, which keep the process alive by themselves.
    this.ticker = setInterval(() => this.tick(), this.fastMs);
    this.ticker.unref();
  }

  private tick(): void {
    if (this.jobs.size === 0) {
      clearInterval(this.ticker);
      this.ticker = undefined;
      return;
    }
    // A round slower than the pace (a throttled store) is not stacked with another.
    if (this.reading) return;
    const now = performance.now();
    let ids: string[];
    if (now - this.lastFullReadAt >= this.slowMs) {
      this.lastFullReadAt = now;
      ids = [...this.jobs.keys()];
    } else {
      ids = [...this.lost].map((watched) => watched.jobId);
      for (const watched of this.unheard.values()) {
        if (now - watched.since < this.graceMs) break;
        if (!this.lost.has(watched)) ids.push(watched.jobId);
      }
    }
    if (ids.length > 0) void this.readRound(ids);
  }

  private async readRound(ids: readonly string[]): Promise<void> {
    this.reading = true;
    try {
      for (const job of await this.read(ids)) {
        const watched = this.jobs.get(job.id);
        if (watched && isSettled(job.status)) this.settled(watched, toPublicJob(job), 'store');
      }
    } catch {
      // The store failed this round: the next one tries again, and the channel still speaks.
    } finally {
      this.reading = false;
    }
  }
}

/** One watched job: its waiters, and the channel's listener for it. */
class Watched implements EndListener {
  readonly waiters = new Set<OnSettled>();
  readonly since = performance.now();
  unlisten: (() => void) | undefined;
  private wasHeard = false;

  constructor(
    private readonly watch: SettlementWatch,
    readonly jobId: string,
  ) {}

  heard(): void {
    if (this.wasHeard) return;
    this.wasHeard = true;
    this.watch.heard(this);
  }

  done(job: Job): void {
    this.watch.settled(this, job, 'channel');
  }

  lost(): void {
    this.watch.lose(this);
  }
}
