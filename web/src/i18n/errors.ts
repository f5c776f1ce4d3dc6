/** A turn's error as a sentence in the interface's language: one message per code. */
import { QUESTION_MAX_LENGTH } from '../api/types.js';
import type { TurnError } from '../state/errors.js';
import type { ErrorCode, Messages } from './messages.js';

export function errorText(t: Messages, error: TurnError | null): string {
  if (!error) return t.errors.unknown;
  if (error.code === 'rate_limited' && error.retryAt !== undefined) {
    const time = new Intl.DateTimeFormat(t.locale, { timeStyle: 'short' });
    return t.rateLimitedUntil(time.format(error.retryAt));
  }
  if (error.code === 'question_invalid')
    return t.questionLimits(formatNumber(t, QUESTION_MAX_LENGTH));
  return t.errors[error.code as ErrorCode] ?? t.errors.unknown;
}

export function formatNumber(t: Messages, value: number): string {
  return new Intl.NumberFormat(t.locale).format(value);
}
