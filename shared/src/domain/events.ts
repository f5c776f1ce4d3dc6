import type { Job } from './job.js';

/**
 * What happens to a job, as clients see it on its event stream (the SSE `event:` names):
 * `job` when its status changes, `delta` for each piece of answer text, `reset` when the text so
 * far must be discarded (a retry, a fallback or a redelivery starts the answer again), and `done`
 * once, with the final job, whatever its terminal status.
 */
export type JobEvent =
  | { type: 'job'; job: Job }
  | { type: 'delta'; text: string }
  | { type: 'reset'; reason: string }
  | { type: 'done'; job: Job };

export type JobEventType = JobEvent['type'];

/** An event as the log keeps it: with its id, which grows within a job. */
export type LoggedJobEvent = JobEvent & { id: string };

/** Why a client must discard the text it has (the `reset` event's reason). */
export const RESET_REASONS = {
  retry: 'retry',
  fallback: 'fallback',
  redelivered: 'redelivered',
  expired: 'events_expired',
} as const;

/**
 * A job's log keeps at most this many events. Deltas are coalesced to about 20 a second, so a job
 * that runs to its default 300 s deadline publishes about 6,000: the cap only bites on a runaway.
 */
export const MAX_EVENTS_PER_JOB = 10_000;
