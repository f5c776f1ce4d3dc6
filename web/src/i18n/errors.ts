/** A turn's error as a sentence in the interface's language: one message per code. */
import { QUESTION_MAX_LENGTH } from '../api/types.js';
import type { TurnError } from '../state/errors.js';
import type { ErrorCode, Messages } from './messages.js';

export function errorText(t: Messages, error: TurnError | null): string {
  if (!error) return t.errors.unknown;
  if (error.code === 'rate_limited' && error.retryAt !== undefined) {
    return t.rateLimitedUntil(formatWhen(t, error.retryAt));
  }
  if (error.code === 'quota_exceeded' && error.retryAt !== undefined) {
    return t.quotaExceededUntil(formatWhen(t, error.retryAt));
  }
  if (error.code === 'question_invalid')
    return t.questionLimits(formatNumber(t, QUESTION_MAX_LENGTH));
  return t.errors[error.code as ErrorCode] ?? t.errors.unknown;
}

export function formatNumber(t: Messages, value: number): string {
  return new Intl.NumberFormat(t.locale).format(value);
}

/**
 * When a wait ends, in the student's local time: "at 9:00 PM", or "tomorrow at 9:00 AM" when
 * that is another day here (a quota's reset, the next UTC midnight, is at most a day away).
 */
export function formatWhen(t: Messages, at: number, now = Date.now()): string {
  const time = new Intl.DateTimeFormat(t.locale, { timeStyle: 'short' }).format(at);
  return t.when(time, new Date(at).toDateString() !== new Date(now).toDateString());
}
