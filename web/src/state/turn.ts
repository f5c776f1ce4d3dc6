/**
 * The turn model, pure: what a turn is, how a job's status reads as a phase, and how a job's
 * fields become a turn's (one mapping, for a job read with its conversation and for a job a
 * stream settles alike). No API calls, no storage, no timers.
 */
import type { AskBody, Job, JobStatus, Rating } from '../api/types.js';
import type { TurnError } from './errors.js';
import type { AskSettings } from './storage.js';

export type Phase = 'waiting' | 'streaming' | 'done' | 'failed' | 'stopped';

export interface Turn {
  /** Local key: a turn exists before its job has an id. */
  key: string;
  jobId: string | null;
  question: string;
  /** The answer's markdown as received so far (the whole answer once done). */
  text: string;
  phase: Phase;
  error: TurnError | null;
  provider: string | null;
  rating: Rating | null;
  comment: string | null;
  reconnecting: boolean;
  /** What was sent, for a retry. */
  body: AskBody;
}

/** How each status of a job reads on the page (a pending job waits until its first delta). */
const PHASES: Record<JobStatus, Phase> = {
  queued: 'waiting',
  running: 'waiting',
  completed: 'done',
  failed: 'failed',
  cancelled: 'stopped',
};

export function phaseOf(status: JobStatus): Phase {
  return PHASES[status];
}

/** A turn still being answered. */
export function isBusy(turn: Turn): boolean {
  return turn.phase === 'waiting' || turn.phase === 'streaming';
}

let keys = 0;

export function newTurn(body: AskBody): Turn {
  return {
    key: `turn-${++keys}`,
    jobId: null,
    question: body.question,
    text: '',
    phase: 'waiting',
    error: null,
    provider: null,
    rating: null,
    comment: null,
    reconnecting: false,
    body,
  };
}

/**
 * A job's fields as a turn's. `text` is what the page already shows: a job without an answer
 * (pending, failed, stopped) keeps it, since a pending job's stream replays its text from the
 * first event and a settled one's text is what was streamed before it ended. A stopped job read
 * afresh (a reload, a reopened conversation) shows the text the API kept from before the stop.
 */
export function fromJob(job: Job, text = ''): Partial<Turn> {
  return {
    jobId: job.id,
    phase: phaseOf(job.status),
    text: job.answer ?? (text || job.partialAnswer) ?? '',
    error: job.error && { code: job.error.code },
    provider: job.provider,
    rating: job.feedback?.rating ?? null,
    comment: job.feedback?.comment ?? null,
    reconnecting: false,
  };
}

/** A turn of a conversation read from the API, with what was asked (for a retry). */
export function turnFromJob(job: Job): Turn {
  const body: AskBody = { question: job.question, mode: job.mode };
  if (job.subject) body.subject = job.subject;
  if (job.level) body.level = job.level;
  if (job.language) body.language = job.language;
  return { ...newTurn(body), ...fromJob(job) };
}

/** The ask a question makes with these settings, in this conversation (null: a new one). */
export function askBody(
  question: string,
  settings: AskSettings,
  conversationId: string | null,
): AskBody {
  const body: AskBody = { question };
  // A new conversation in the default mode needs no mode; a follow-up always says its mode, or
  // it would inherit the conversation's even after the student switched back to explain.
  if (settings.mode !== 'explain' || conversationId) body.mode = settings.mode;
  if (settings.subject.trim()) body.subject = settings.subject.trim();
  if (settings.level) body.level = settings.level;
  if (settings.language) body.language = settings.language;
  if (conversationId) body.conversationId = conversationId;
  return body;
}
