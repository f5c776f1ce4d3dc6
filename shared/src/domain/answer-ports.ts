/**
 * The ports of answering: what a provider is asked, what it answers, and the Answerer that picks
 * and calls providers for a job (providers/ implements them). Part of ports.ts, which re-exports
 * them.
 */
import type { HistoryTurn } from './conversation.js';
import type { ProviderError } from './errors.js';
import type { AnsweredBy, Mode, ProviderName, TokenUsage, Usage } from './job.js';
import type { Logger } from './logging.js';

export interface AnswerRequest {
  question: string;
  subject: string | null;
  level: string | null;
  language: string | null;
  /** Model to use; the provider's default when null. */
  model: string | null;
  /** How to teach (the system prompt); explain when absent. */
  mode?: Mode;
  /** This turn's 1-based position in its conversation; 1 when absent. */
  turn?: number;
  /** The conversation's earlier completed turns, oldest first. */
  history?: readonly HistoryTurn[];
  /**
   * The most tokens the message list may take (providers/prompt.ts drops the oldest turns of
   * `history` to fit); unlimited when absent.
   */
  contextMaxTokens?: number;
}

export interface Answer {
  text: string;
  provider: AnsweredBy;
  model: string;
  /** As the provider reported it; null when it reported none (the tokenizer then counts). */
  usage: TokenUsage | null;
}

/** How a provider call is run: cancelled by `signal`, its text handed over as it is generated. */
export interface ProviderCallOptions {
  signal?: AbortSignal | undefined;
  /** Called with each piece of answer text as the model writes it (the pieces make up `text`). */
  onDelta?: ((text: string) => void) | undefined;
}

export interface AnswerProvider {
  readonly name: AnsweredBy;
  /** The model it asks for when a request names none. */
  readonly defaultModel: string;
  /** Streams the answer; throws ProviderError for every failure it can classify. */
  answer(request: AnswerRequest, options?: ProviderCallOptions): Promise<Answer>;
}

/** The outcome of asking one provider (its retries included), with how many calls it took. */
export type CallOutcome =
  | { ok: true; answer: Answer; attempts: number }
  | { ok: false; error: ProviderError; attempts: number; provider?: AnsweredBy; model?: string };

/** For one job: the answer or final error, the calls made, and what they all used (or null). */
export type AnswerOutcome = CallOutcome & { usage: Usage | null };

/** What a call for one job carries besides the request: cancellation, and the job's logger. */
export interface CallContext {
  signal?: AbortSignal;
  /** Bound to the job (its lines carry the job id); the answerer's own logger when absent. */
  logger?: Logger;
  /** Receives the answer's text as it streams in. */
  onDelta?: (text: string) => void;
  /**
   * Called before a retry or a fallback starts the answer again: text already handed to
   * `onDelta` belongs to an attempt that did not finish.
   */
  onRestart?: (reason: 'retry' | 'fallback') => void;
}

/** Picks and calls providers for a job (explicit choice, fallback chain, retries). */
export interface Answerer {
  answer(
    request: AnswerRequest,
    requestedProvider: ProviderName | null,
    context?: CallContext,
  ): Promise<AnswerOutcome>;
}
