import { RESET_REASONS, type LoggedJobEvent } from './events.js';
import { isSettled, toPublicJob, type Job, type JobRecord } from './job.js';
import type { JobService } from './job-service.js';
import type { Logger } from './ports.js';

/** A stream's end that tells the client nothing more will ever come (HTTP 204 for SSE). */
export const NOTHING_AFTER = Symbol('nothing after');

/** The reason a follow is stopped with when the store saw the end first (spares a DOMException). */
const FOLLOW_OVER = Symbol('follow over');

/**
 * A job's event stream as clients read it. Resume is a property of the log: a first connect, a
 * reconnect after an event id and the replay of a finished job are the same walk over the job's
 * log, with the store (the source of truth) filling in whatever the log no longer holds.
 */
export class EventStreams {
  constructor(
    private readonly jobs: JobService,
    private readonly logger: Logger,
  ) {}

  /**
   * The events to send for `job` (already read, so a missing job is the caller's 404), after
   * `lastEventId` when the client resumes. Resolves NOTHING_AFTER when a client resumes a settled
   * job's stream after its `done`. The iteration ends after `done`, or when `signal` aborts.
   */
  async open(
    job: JobRecord,
    lastEventId: string | undefined,
    signal: AbortSignal,
  ): Promise<AsyncIterable<LoggedJobEvent> | typeof NOTHING_AFTER> {
    const origin = this.jobs.channel.origin;
    const snapshot = { id: origin, type: 'job', job: toPublicJob(job) } as const;
    // The log no longer holds the client's place: start over from the store's state.
    const restart = [
      { id: origin, type: 'reset', reason: RESET_REASONS.expired } as const,
      snapshot,
    ];
    if (!isSettled(job.status)) {
      if (lastEventId === undefined) return this.follow(job.id, origin, [snapshot], signal);
      if (await this.holds(job.id, lastEventId))
        return this.follow(job.id, lastEventId, [], signal);
      return this.follow(job.id, origin, restart, signal);
    }
    const done = { ...snapshot, type: 'done' } as const;
    if (lastEventId === undefined) {
      // A settled job's stream is its state and its end, whatever the log still holds.
      const logged = await this.read(job.id, origin);
      const doneId = logged.find((event) => event.type === 'done')?.id ?? logged.at(-1)?.id;
      return list([snapshot, { ...done, id: doneId ?? origin }]);
    }
    // The client's place, unless the log lost it. Every log "holds" the origin, even one that
    // expired: at the origin, an empty log is a lost one.
    const atOrigin = lastEventId === origin;
    const held = atOrigin || (await this.holds(job.id, lastEventId));
    const rest = held ? await this.read(job.id, lastEventId) : [];
    if (rest.length === 0) return held && !atOrigin ? NOTHING_AFTER : list([...restart, done]);
    const end = rest.findIndex((event) => event.type === 'done');
    if (end >= 0) return list(rest.slice(0, end + 1));
    // Its `done` never reached the log: the store's word ends the stream.
    return list([...rest, { ...done, id: rest.at(-1)!.id }]);
  }

  /**
   * `first`, then the job's events after `after` until its `done`. The settlement watch backs the
   * channel: when the store shows the job settled (its `done` was lost) or the channel fails, the
   * stream ends with `done` from the store.
   */
  private async *follow(
    jobId: string,
    after: string,
    first: readonly LoggedJobEvent[],
    signal: AbortSignal,
  ): AsyncGenerator<LoggedJobEvent> {
    yield* first;
    let lastId = first.at(-1)?.id ?? after;
    let settled: Job | undefined;
    let wake = () => {};
    const stop = new AbortController();
    const unwatch = this.jobs.settlements.watch(jobId, (job, heardOn) => {
      settled = job;
      // The channel's own `done` reaches the follow too, after the events before it; the
      // store's word means the channel missed it.
      if (heardOn === 'store') stop.abort(FOLLOW_OVER);
      wake();
    });
    try {
      try {
        const following = AbortSignal.any([signal, stop.signal]);
        for await (const event of this.jobs.channel.follow(jobId, after, following)) {
          yield event;
          lastId = event.id;
          if (event.type === 'done') return;
        }
      } catch (error) {
        this.logger.warn(
          { jobId, err: error },
          'event channel failed mid-stream; the store will tell the job’s end',
        );
        if (!settled && !signal.aborted) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            signal.addEventListener('abort', () => resolve(), { once: true });
          });
        }
      }
      if (settled && !signal.aborted) yield { id: lastId, type: 'done', job: settled };
    } finally {
      unwatch();
    }
  }

  private async holds(jobId: string, id: string): Promise<boolean> {
    try {
      return await this.jobs.channel.holds(jobId, id);
    } catch {
      return false;
    }
  }

  /** The logged events after `after`; none while the channel is down. */
  private async read(jobId: string, after: string): Promise<LoggedJobEvent[]> {
    try {
      return await this.jobs.channel.read(jobId, after);
    } catch (error) {
      this.logger.warn({ jobId, err: error }, 'event channel unavailable; the store answers');
      return [];
    }
  }
}

async function* list(events: readonly LoggedJobEvent[]): AsyncGenerator<LoggedJobEvent> {
  yield* events;
}
