/**
 * What went wrong with a turn, as a code the interface has a message for in each language
 * (i18n/errors.ts): a problem's `code`, else one read from its status; a job's `error.code`;
 * `network` when no answer came. The server's English text is never shown.
 */
import { ApiError } from '../api/problem.js';
import type { Problem } from '../api/types.js';

export interface TurnError {
  code: string;
  /** When a refusal for too many requests ends (epoch ms), if the server said. */
  retryAt?: number;
}

export function turnError(error: unknown): TurnError {
  if (!(error instanceof ApiError)) return { code: 'network' };
  const code = codeOf(error.problem);
  if (error.retryAfterMs !== undefined) return { code, retryAt: Date.now() + error.retryAfterMs };
  // A quota's refusal says when the day resets in its body too.
  const resetsAt = Date.parse(String(error.problem.resetsAt ?? ''));
  return Number.isNaN(resetsAt) ? { code } : { code, retryAt: resetsAt };
}

export function codeOf(problem: Problem): string {
  if (problem.code) return problem.code;
  const { status } = problem;
  if (status === 429) return 'rate_limited';
  if (status === 400 && problem.errors?.some((e) => e.field === 'question')) {
    return 'question_invalid';
  }
  if (status === 413) return 'question_invalid';
  if (status === 404) return 'not_found';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'invalid_request';
  return 'unknown';
}
