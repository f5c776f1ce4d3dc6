/** Errors the domain raises; entry points map them to HTTP statuses or message fates. */

export class IdempotencyConflictError extends Error {
  constructor(readonly key: string) {
    super('This Idempotency-Key was already used with a different request body');
    this.name = 'IdempotencyConflictError';
  }
}

/**
 * A request names a provider the workers cannot use: refused before a job exists, so a client's
 * choice never turns into a failed job (and a 5xx).
 */
export class ProviderNotConfiguredError extends Error {
  constructor(
    readonly requested: string,
    /** The providers a request may name on this server (none when only the offline demo answers). */
    readonly available: readonly string[],
  ) {
    super(
      available.length > 0
        ? `Provider "${requested}" is not configured on this server; it has ${available.join(', ')}`
        : `Provider "${requested}" is not configured on this server: it answers with the offline ` +
            'demo provider only, so send no provider',
    );
    this.name = 'ProviderNotConfiguredError';
  }
}

/**
 * An ask names a model outside the allowlist (LLM_MODELS): refused before a job exists, so a
 * client cannot pick a model the operator did not agree to pay for.
 */
export class ModelNotAllowedError extends Error {
  constructor(
    readonly requested: string,
    /** The models an ask may name here (none: send no `model`). */
    readonly allowed: readonly string[],
  ) {
    super(
      allowed.length > 0
        ? `Model "${requested.length > 100 ? `${requested.slice(0, 100)}…` : requested}" is not ` +
            `allowed on this server; it allows ${allowed.join(', ')}`
        : 'This server allows no model choice: send no `model`',
    );
    this.name = 'ModelNotAllowedError';
  }
}

/** The store refuses new jobs (the embedded store's size cap is reached with only pending jobs). */
export class StoreFullError extends Error {
  constructor(message = 'The job store is full; try again later') {
    super(message);
    this.name = 'StoreFullError';
  }
}

/** The queue did not accept a job; the job is marked failed so nothing waits on it forever. */
export class QueueUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The job queue is unavailable; try again later', { cause });
    this.name = 'QueueUnavailableError';
  }
}

/** Another worker holds a live lease on the job: leave the message for a later delivery. */
export class JobBusyError extends Error {
  constructor(readonly jobId: string) {
    super(`Job ${jobId} is being processed by another worker`);
    this.name = 'JobBusyError';
  }
}

/** Stable codes a failed job carries in `error.code`. */
export const JOB_ERROR_CODES = [
  'provider_auth',
  'provider_rate_limited',
  'provider_unavailable',
  'provider_bad_request',
  'provider_bad_response',
  'provider_timeout',
  'provider_not_configured',
  'content_filtered',
  'deadline_exceeded',
  'dead_lettered',
  'queue_unavailable',
  'cancelled',
] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

/**
 * A provider call that did not produce an answer. `retryable` says whether trying again (or the
 * next provider in the chain) can help. The message must never contain a key.
 */
export class ProviderError extends Error {
  constructor(
    readonly code: JobErrorCode,
    message: string,
    readonly options: {
      retryable: boolean;
      status?: number;
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
  }

  get retryable(): boolean {
    return this.options.retryable;
  }
}

/** An ask names a conversation the store does not have (never created, deleted or expired). */
export class ConversationNotFoundError extends Error {
  constructor(readonly conversationId: string) {
    super(`No conversation with id ${conversationId} (conversations are kept for a limited time)`);
    this.name = 'ConversationNotFoundError';
  }
}

/** One turn at a time: the conversation's latest turn is still pending. */
export class TurnInProgressError extends Error {
  constructor(
    readonly conversationId: string,
    readonly jobId: string,
  ) {
    super(
      `Conversation ${conversationId} is still answering its latest turn (job ${jobId}); ` +
        'wait for it to settle, or cancel it, before asking again',
    );
    this.name = 'TurnInProgressError';
  }
}

/** The system prompt and the question alone do not fit the model's context budget. */
export class QuestionTooLongError extends Error {
  constructor(
    readonly tokens: number,
    readonly maxTokens: number,
  ) {
    super(
      `The question and its instructions take ${tokens} tokens; the context budget is ${maxTokens}. ` +
        'Shorten the question.',
    );
    this.name = 'QuestionTooLongError';
  }
}

/** A page's cursor that no page of this list handed out. */
export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this list handed out (pass the `next` of the previous page as it is)');
    this.name = 'InvalidCursorError';
  }
}

/** Only a signed-in user may claim a guest's conversations. */
export class ClaimNotAllowedError extends Error {
  constructor() {
    super("Only a signed-in user can claim a guest's conversations: sign in first");
    this.name = 'ClaimNotAllowedError';
  }
}

/**
 * An ask (or an event stream) refused by a per-principal limit (issue 20): `quota_exceeded` (the
 * day's questions or tokens; `resetsAt` the next UTC midnight), `too_many_pending` (pending jobs)
 * or `too_many_streams` (open event streams on this api process).
 */
export class LimitReachedError extends Error {
  constructor(
    readonly code: 'quota_exceeded' | 'too_many_pending' | 'too_many_streams',
    /** Which limit: `questions`, `tokens`, `pending` or `streams`. */
    readonly limit: string,
    /** What the limit allows (per day, or at once). */
    readonly allowed: number,
    /** When asking again can succeed: seconds to the reset, or a short pause. */
    readonly retryAfterSeconds: number,
    readonly resetsAt?: string,
  ) {
    super(limitMessage(limit, allowed, resetsAt));
    this.name = 'LimitReachedError';
  }
}

function limitMessage(limit: string, allowed: number, resetsAt?: string): string {
  switch (limit) {
    case 'questions':
      return `The daily limit of ${allowed} questions is reached; it resets at ${resetsAt}`;
    case 'tokens':
      return `The daily limit of ${allowed} tokens is reached; it resets at ${resetsAt}`;
    case 'pending':
      return `At most ${allowed} questions may be pending at once; wait for one to be answered`;
    default:
      return `At most ${allowed} event streams may be open at once; close one first`;
  }
}
