import { RESET_REASONS, type LoggedJobEvent } from './events.js';
import { isSettled, toPublicJob, type JobRecord } from './job.js';
import type { JobService } from './job-service.js';
import type { Logger } from './ports.js';
import { SettlementWatch } from './settlement-watch.js';

/** A stream's end that tells the client nothing more will ever come (HTTP 204 for SSE). */
export const NOTHING_AFTER = Symbol('nothing after');

/** The reason a finished follow is stopped with (spares a DOMException). */
const FOLLOW_OVER = Symbol('follow over');

/** How long one wait on the store lasts while the event channel is down. */
const STORE_WAIT_MS = 20_000;
/**
 * While streams follow a live channel, the store is still read this often (one batched read for
 * all of them): a `done` whose publish failed (the channel blinked as the job settled) must not
 * leave a stream open for ever.
 */
const STORE_CHECK_MS = 10_000;

export interface EventStreamsOptions {
  /** How often a followed job is looked up in the store (default 10 s). */
  storeCheckMs?: number;
}

/**
 * A job's event stream as clients read it. Resume is a property of the log: a first connect, a
 * reconnect after an event id and the replay of a finished job are the same walk over the job's
 * log, with the store (the source of truth) filling in whatever the log no longer holds.
 */
export class EventStreams {
  /** The store's word on every followed job, in one batched read a round. */
  private readonly settlements: SettlementWatch;

  constructor(
    private readonly jobs: JobService,
    private readonly logger: Logger,
    options: EventStreamsOptions = {},
  ) {
    this.settlements = new SettlementWatch(
      (ids) => jobs.getMany(ids),
      options.storeCheckMs ?? STORE_CHECK_MS,
    );
  }

  /**
   * The events to send for `job` (already read, so a missing job is the caller's 404), after
   * `lastEventId` when the client resumes. Resolves NOTHING_AFTER when a client resumes a settled
   * job's stream at its end. The iteration ends after `done`, or when `signal` aborts.
   */
  async open(
    job: JobRecord,
    lastEventId: string | undefined,
    signal: AbortSignal,
  ): Promise<AsyncIterable<LoggedJobEvent> | typeof NOTHING_AFTER> {
    const origin = this.jobs.channel.origin;
    const snapshot = { id: origin, type: 'job', job: toPublicJob(job) } as const;
    if (lastEventId === undefined) {
      if (!isSettled(job.status)) return this.follow(job, origin, [snapshot], signal);
      // A settled job's stream is its state and its end, whatever the log still holds.
      const logged = await this.read(job.id, origin);
      const doneId = logged.find((event) => event.type === 'done')?.id ?? logged.at(-1)?.id;
      return list([snapshot, { id: doneId ?? origin, type: 'done', job: snapshot.job }]);
    }
    if (await this.holds(job.id, lastEventId)) {
      if (!isSettled(job.status)) return this.follow(job, lastEventId, [], signal);
      const rest = await this.read(job.id, lastEventId);
      const end = rest.findIndex((event) => event.type === 'done');
      if (rest.length === 0 || end === 0) return NOTHING_AFTER;
      return end > 0
        ? list(rest.slice(0, end + 1))
        : list([...rest, { ...snapshot, type: 'done' }]);
    }
    // The log no longer holds the client's place: start over from the store's state.
    const restart = [
      { id: origin, type: 'reset', reason: RESET_REASONS.expired } as const,
      snapshot,
    ];
    if (isSettled(job.status)) return list([...restart, { ...snapshot, type: 'done' }]);
    return this.follow(job, origin, restart, signal);
  }

  private async *follow(
    job: JobRecord,
    after: string,
    first: readonly LoggedJobEvent[],
    signal: AbortSignal,
  ): AsyncGenerator<LoggedJobEvent> {
    yield* first;
    let lastId = first.at(-1)?.id ?? after;
    // Settled, and the channel never said so: the store's word stops the follow and ends the stream.
    let settledInStore: JobRecord | undefined;
    const stop = new AbortController();
    const following = AbortSignal.any([signal, stop.signal]);
    const unwatch = this.settlements.watch(job.id, (latest) => {
      settledInStore = latest;
      stop.abort(FOLLOW_OVER);
    });
    try {
      for await (const event of this.jobs.channel.follow(job.id, after, following)) {
        yield event;
        lastId = event.id;
        if (event.type === 'done') return;
      }
      if (settledInStore) yield { id: lastId, type: 'done', job: toPublicJob(settledInStore) };
      return;
    } catch (error) {
      this.logger.warn(
        { jobId: job.id, err: error },
        'event channel failed mid-stream; waiting on the store',
      );
    } finally {
      unwatch();
      stop.abort(FOLLOW_OVER);
    }
    // The channel is down: the store still knows when the job ends, and `done` carries the answer.
    while (!signal.aborted) {
      const latest = await this.jobs.waitForOutcome(job.id, STORE_WAIT_MS);
      if (!latest || isSettled(latest.status)) {
        yield { id: lastId, type: 'done', job: toPublicJob(latest ?? job) };
        return;
      }
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
