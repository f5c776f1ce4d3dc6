/** The JSON endpoints: conversations, cancel, feedback. The page calls the API on its own origin. */
import type { Conversation, FeedbackBody, Job, Problem } from './types.js';

export const API_BASE = '/api/v1';

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

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${API_BASE}${path}`, {
    ...init,
    headers: { accept: 'application/json', ...init.headers },
  });
  if (!response.ok) throw await toApiError(response);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export const api = {
  getJob: (id: string) => call<Job>(`/jobs/${id}`),
  cancel: (id: string) => call<Job>(`/jobs/${id}/cancel`, { method: 'POST' }),
  rate: (id: string, feedback: FeedbackBody) =>
    call<Job>(`/jobs/${id}/feedback`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(feedback),
    }),
  getConversation: (id: string) => call<Conversation>(`/conversations/${id}`),
  deleteConversation: (id: string) => call<void>(`/conversations/${id}`, { method: 'DELETE' }),
};
