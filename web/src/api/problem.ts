/** An HTTP error answer as the page reads it: its problem details and its `Retry-After`. */
import type { Problem } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    /** How long the server asked to wait before trying again (`Retry-After`), if it did. */
    readonly retryAfterMs?: number,
  ) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.name = 'ApiError';
  }
  get status(): number {
    return this.problem.status;
  }
}

/** Reads a problem+json body (or makes one up for a body that is not one) into an ApiError. */
export async function toApiError(response: Response): Promise<ApiError> {
  let problem: Problem = {
    type: 'about:blank',
    title: response.statusText,
    status: response.status,
    detail: '',
  };
  try {
    const body = (await response.json()) as Partial<Problem>;
    problem = { ...problem, ...body, status: response.status };
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return new ApiError(problem, retryAfterMs(response.headers.get('retry-after')));
}

/** `Retry-After` as milliseconds from now: delay-seconds or an HTTP date (RFC 9110). */
export function retryAfterMs(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
