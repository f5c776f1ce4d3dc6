import type { JobEvent, LoggedJobEvent } from '../../domain/events.js';
import type { Job } from '../../domain/job.js';
import type { EndListener, EventChannel } from '../../domain/ports.js';
import { LiveQueue } from '../live-queue.js';

export interface MemoryEventChannelOptions {
  /** A job's events are forgotten this long after its last one (JOB_EVENTS_TTL_SECONDS). */
  ttlSeconds: number;
  /** At most this many events are kept per job; the oldest make room. */
  maxEventsPerJob: number;
  /**
   * At most this many jobs' logs are kept (MEMORY_STORE_MAX_JOBS, as the store): the oldest make
   * room, as they would expire. A stream resumed on a job whose log is gone starts over from the
   * store, as after the TTL.
   */
  maxJobs: number;
  now?: () => number;
}

/** Who is told about a job's events; kept when its log expires and a new one starts. */
interface Audience {
  followers: Set<LiveQueue<LoggedJobEvent>>;
  listeners: Set<EndListener>;
}

interface Log extends Audience {
  events: LoggedJobEvent[];
  /** The last id given out: ids are 1, 2, 3, … per job, so the origin is 0. */
  lastId: number;
  expiresAt: number;
  /** The job as its `done` announced it, once published. */
  done: Job | undefined;
}

/** The embedded-mode event channel: per-job logs in this process, with in-process live delivery. */
export class MemoryEventChannel implements EventChannel {
  readonly origin = '0';
  private readonly logs = new Map<string, Log>();
  private readonly now: () => number;
  private nextSweep = 0;

  constructor(private readonly options: MemoryEventChannelOptions) {
    this.now = options.now ?? Date.now;
  }

  async publish(jobId: string, event: JobEvent): Promise<string> {
    this.sweep();
    const log = this.logOf(jobId);
    log.lastId += 1;
    const logged: LoggedJobEvent = { ...event, id: String(log.lastId) };
    log.events.push(logged);
    if (log.events.length > this.options.maxEventsPerJob) log.events.shift();
    log.expiresAt = this.now() + this.options.ttlSeconds * 1000;
    for (const follower of log.followers) follower.push(logged);
    if (event.type === 'done') log.done = event.job;
    // Direct calls: a listener costs a function call per event, not a queue and a promise.
    for (const listener of log.listeners) {
      listener.heard();
      if (event.type === 'done') listener.done(event.job);
    }
    return logged.id;
  }

  async holds(jobId: string, id: string): Promise<boolean> {
    if (id === this.origin) return true;
    const events = this.live(jobId)?.events ?? [];
    const wanted = Number(id);
    const first = Number(events[0]?.id ?? Number.NaN);
    const last = Number(events.at(-1)?.id ?? Number.NaN);
    return Number.isInteger(wanted) && wanted >= first && wanted <= last;
  }

  async read(jobId: string, after: string): Promise<LoggedJobEvent[]> {
    return this.after(jobId, after);
  }

  follow(jobId: string, after: string, signal: AbortSignal): AsyncIterable<LoggedJobEvent> {
    // The queue's own iteration, not one wrapped in another generator (a `yield*` costs every
    // event a few more promises); the follower is registered when the iteration starts.
    return { [Symbol.asyncIterator]: () => this.start(jobId, after, signal) };
  }

  listen(jobId: string, listener: EndListener): () => void {
    const log = this.logOf(jobId);
    log.listeners.add(listener);
    const { done } = log;
    // Told after `listen` returned, as a live `done` would be: the caller is set up by then.
    if (done) queueMicrotask(() => log.listeners.has(listener) && listener.done(done));
    return () => log.listeners.delete(listener);
  }

  private start(jobId: string, after: string, signal: AbortSignal): AsyncIterator<LoggedJobEvent> {
    const log = this.logOf(jobId);
    const queue = new LiveQueue<LoggedJobEvent>();
    // Logged and live events meet here in one order: nothing can be published in between.
    for (const event of this.after(jobId, after)) queue.push(event);
    log.followers.add(queue);
    return queue.drain(signal, () => log.followers.delete(queue));
  }

  async forget(jobId: string): Promise<void> {
    this.logs.delete(jobId);
  }

  async close(): Promise<void> {
    this.logs.clear();
  }

  private after(jobId: string, after: string): LoggedJobEvent[] {
    const from = Number(after);
    return (this.live(jobId)?.events ?? []).filter((event) => Number(event.id) > from);
  }

  private live(jobId: string): Log | undefined {
    const log = this.logs.get(jobId);
    return log && log.expiresAt > this.now() ? log : undefined;
  }

  private logOf(jobId: string): Log {
    let log = this.live(jobId);
    if (!log) {
      const expired = this.logs.get(jobId);
      log = {
        events: [],
        lastId: 0,
        expiresAt: this.now() + this.options.ttlSeconds * 1000,
        done: undefined,
        followers: expired?.followers ?? new Set(),
        listeners: expired?.listeners ?? new Set(),
      };
      // A log that starts again goes to the end: the map stays in about the order logs expire.
      if (expired) this.logs.delete(jobId);
      this.logs.set(jobId, log);
      if (this.logs.size > this.options.maxJobs) this.makeRoom();
    }
    return log;
  }

  /**
   * Drops expired logs nobody follows or listens to, at most once a second. Logs are kept in the
   * order their jobs started, which is about the order they expire: the sweep stops at the first
   * one still live, so it costs what it drops.
   */
  private sweep(): void {
    const now = this.now();
    if (now < this.nextSweep) return;
    this.nextSweep = now + 1000;
    for (const [jobId, log] of this.logs) {
      if (log.expiresAt > now) return;
      if (!hasAudience(log)) this.logs.delete(jobId);
    }
  }

  /** Over `maxJobs`: the oldest logs nobody follows or listens to go, down to 90% of it. */
  private makeRoom(): void {
    const target = this.options.maxJobs - Math.max(1, Math.floor(this.options.maxJobs / 10));
    for (const [jobId, log] of this.logs) {
      if (this.logs.size <= target) return;
      if (!hasAudience(log)) this.logs.delete(jobId);
    }
  }
}

function hasAudience(log: Audience): boolean {
  return log.followers.size > 0 || log.listeners.size > 0;
}
