/**
 * The ports the domain needs. Adapters (memory, SQS, DynamoDB, LLM providers) implement them;
 * the domain never imports an adapter.
 */
import type { ConversationRecord } from './conversation.js';
import type {
  AnsweredBy,
  Feedback,
  Job,
  JobMessage,
  JobRecord,
  JobStatus,
  Settlement,
  StoppedCall,
  Usage,
} from './job.js';
import type { JobEvent, LoggedJobEvent } from './events.js';
import type { Page, PageOf } from './pages.js';

export type * from './answer-ports.js';
export type { Logger } from './logging.js';

/**
 * An Idempotency-Key as the caller sent it, with the caller it belongs to. Keys are unique per
 * caller (the IETF idempotency-key draft): two callers with the same key never share a job.
 */
export interface IdempotencyKey {
  /** Who sent it: the principal's id (a guest, a user, an app behind the gateway, anonymous). */
  scope: string;
  key: string;
}

export interface IdempotencyClaim extends IdempotencyKey {
  /** Hash of the validated request: the same key with another body is a conflict. */
  fingerprint: string;
}

export type ClaimResult =
  | { outcome: 'claimed'; job: JobRecord }
  | { outcome: 'settled'; job: JobRecord }
  | { outcome: 'busy'; job: JobRecord }
  | { outcome: 'overdue'; job: JobRecord }
  | { outcome: 'missing' };

export interface SettleOptions {
  /** Settle only if the job is in one of these statuses. */
  from: readonly JobStatus[];
  /** Settle only if the job's deadline has not passed (a late answer must not overwrite a timeout). */
  beforeDeadline: boolean;
}

/** What a new turn writes besides its job: the conversation's next state. */
export interface TurnWrite {
  /** The conversation as it is after this turn (its `jobIds` end with the new job's id). */
  conversation: ConversationRecord;
  /**
   * The conversation's `lastTurn` this write was computed from (0: it is a new conversation).
   * The write happens only if the stored conversation still has it.
   */
  expectedLastTurn: number;
}

export type TurnResult =
  | { outcome: 'created'; job: JobRecord }
  /** The Idempotency-Key was used before with the same body: its job. */
  | { outcome: 'replayed'; job: JobRecord }
  /** The conversation does not exist (or no longer). */
  | { outcome: 'missing' }
  /** Another turn was written first: the conversation as it now is. */
  | { outcome: 'taken'; conversation: ConversationRecord };

export type FeedbackResult =
  | { outcome: 'given'; job: JobRecord }
  | { outcome: 'not_completed'; job: JobRecord }
  | { outcome: 'missing' };

export interface JobStore {
  /**
   * Stores a new job. With an idempotency claim, an earlier job with the same scope, key and
   * fingerprint is returned instead (`created: false`); the same key with another fingerprint throws
   * IdempotencyConflictError.
   */
  create(
    job: JobRecord,
    idempotency?: IdempotencyClaim,
  ): Promise<{ job: JobRecord; created: boolean }>;
  get(id: string): Promise<JobRecord | undefined>;
  /**
   * Atomically moves a queued job (or a running one whose lease expired) to running, counts the
   * attempt and takes a lease until `leaseUntil`. Refuses jobs past their deadline.
   */
  claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimResult>;
  /** Conditionally writes the outcome; returns undefined when the condition does not hold. */
  settle(
    id: string,
    settlement: Settlement,
    now: Date,
    options: SettleOptions,
  ): Promise<JobRecord | undefined>;
  /**
   * Stores a turn: its job and the conversation's next state, in one atomic, conditional write
   * (nothing is written when the conversation moved on, is gone, or the Idempotency-Key was used).
   */
  startTurn(job: JobRecord, write: TurnWrite, idempotency?: IdempotencyClaim): Promise<TurnResult>;
  /**
   * The job an Idempotency-Key was first used for, if it is still kept; the same key with another
   * fingerprint throws IdempotencyConflictError.
   */
  findByIdempotencyKey(claim: IdempotencyClaim): Promise<JobRecord | undefined>;
  /** A conversation, unless it does not exist or is past its TTL. */
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /** The jobs with these ids that exist, in the order asked. */
  getMany(ids: readonly string[]): Promise<JobRecord[]>;
  /** Removes the conversation and all its jobs; the removed conversation, or undefined. */
  deleteConversation(id: string): Promise<ConversationRecord | undefined>;
  /**
   * Adds a StoppedCall's attempts and sets its usage (and a cancelled job's partial answer) on a
   * cancelled or failed job that has no usage yet (one settled by someone else while its call
   * ran), in one write; undefined otherwise (see mayRecordStoppedCall).
   */
  recordStoppedCall(id: string, call: StoppedCall, now: Date): Promise<JobRecord | undefined>;
  /** Sets (replaces) a completed job's feedback; any other job is left as it is. */
  setFeedback(id: string, feedback: Feedback, now: Date): Promise<FeedbackResult>;
  /**
   * The owner's live conversations, most recently updated first (conversationSortKey), from
   * after the page's cursor; a cursor no page handed out throws InvalidCursorError.
   */
  listConversations(ownerId: string, page: Page): Promise<PageOf<ConversationRecord>>;
  /**
   * Erases everything the owner has: every conversation with all its jobs, and every
   * Idempotency-Key record (they hold a hash of the question). The conversations erased.
   */
  eraseOwner(ownerId: string): Promise<ConversationRecord[]>;
  /**
   * Makes `to` the owner of everything `from` has (conversations, their jobs, Idempotency-Key
   * records); how many conversations changed hands. Doing it again moves nothing more.
   */
  transferOwner(from: string, to: string): Promise<number>;
}

export interface JobQueue {
  send(message: JobMessage): Promise<void>;
}

/** Resolving acknowledges the message; throwing leaves it to be delivered again (then dead-lettered). */
export type MessageHandler = (message: JobMessage) => Promise<unknown>;

export interface JobSource {
  start(handler: MessageHandler): void;
  /** Stops taking messages and waits (at most `timeoutMs`) for the ones in hand. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * The event channel between the worker and the API: an append-only log per job, replayable from
 * any event id, with live delivery. Never the source of truth (the job store is): events may be
 * lost, and every reader falls back to the store.
 */
export interface EventChannel {
  /** The id that comes before every event of a job: following from it replays the whole log. */
  readonly origin: string;
  /** Appends an event to the job's log and delivers it to live followers; resolves with its id. */
  publish(jobId: string, event: JobEvent): Promise<string>;
  /** Whether the job's log still holds the event with this id (the origin always counts). */
  holds(jobId: string, id: string): Promise<boolean>;
  /** The events the log holds after `after`, oldest first. */
  read(jobId: string, after: string): Promise<LoggedJobEvent[]>;
  /**
   * The logged events after `after`, then live ones as they are published, until `signal` aborts
   * (the iteration then ends quietly). Throws when the channel fails.
   */
  follow(jobId: string, after: string, signal: AbortSignal): AsyncIterable<LoggedJobEvent>;
  /**
   * Listens for the job's end without following its log: `done` once its `done` is published
   * (at once when the log already holds it), `heard` for every event published while listening,
   * `lost` when the channel fails under the listener (it then hears nothing more). Cheaper than
   * `follow`: no replay, no queue, and deltas are not decoded. Returns what stops listening.
   */
  listen(jobId: string, listener: EndListener): () => void;
  /** Forgets a job's events at once (its job was deleted). */
  forget(jobId: string): Promise<void>;
  close(): Promise<void>;
}

/** What a listener on a job's end is told (EventChannel.listen). */
export interface EndListener {
  /** An event of the job was published: the channel is speaking about it. */
  heard(): void;
  /** The job's `done`, with the job as it settled. */
  done(job: Job): void;
  /** The channel failed: this listener may have missed events and hears nothing more. */
  lost(error: unknown): void;
}

/**
 * An answer kept for reuse (the answer cache). It names no student: its key is a hash of the
 * normalized question and settings, and it holds only what the model wrote and what that cost.
 */
export interface CachedAnswer {
  /** The key's hash (domain/answer-key.ts), never the question itself. */
  key: string;
  answer: string;
  provider: AnsweredBy;
  model: string;
  /** What the call that wrote it used: what every reuse saves. */
  usage: Usage;
  storedAt: string;
}

/** A reply now (an in-process store) or later (a remote one). */
export type Answered<T> = T | Promise<T>;

/**
 * Completed answers kept for identical first questions, and the marks that let identical asks in
 * flight at once share one provider call. Every entry and mark expires on its own (explicit TTLs);
 * none is the source of truth, so a caller treats every failure as a miss. An in-process cache
 * answers at once (a value, not a promise): no timeout is set to bound it.
 */
export interface AnswerCache {
  /** The entry under `key`, if one is kept. */
  get(key: string): Answered<CachedAnswer | undefined>;
  /** Keeps the entry under its key for the cache's TTL, replacing any entry there. */
  put(entry: CachedAnswer): Answered<void>;
  /** Removes the entry under `key` if it holds this very answer; whether one was removed. */
  evict(key: string, answer: string): Answered<boolean>;
  /**
   * Marks `key` in flight for `jobId` for `ttlMs`, unless another job's mark is there (a mark of
   * `replacing`, a job seen to end without an answer, is taken over): returns the job holding
   * the mark (`jobId` itself when the mark is, or already was, its own).
   */
  lead(key: string, jobId: string, ttlMs: number, replacing?: string): Answered<string>;
  /** Removes the in-flight mark of `key` if `jobId` holds it. */
  release(key: string, jobId: string): Answered<void>;
}
