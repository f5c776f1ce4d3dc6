/**
 * The JSON endpoints: conversations, cancel, feedback, the student's own data. The page calls the
 * API on its own origin, always with its credentials (fetch.ts).
 */
import { apiFetch } from './fetch.js';
import { toApiError } from './problem.js';
import { withRetries } from './retry.js';
import type { Conversation, ConversationList, FeedbackBody, Job, Usage } from './types.js';

export const API_BASE = '/api/v1';

/** One JSON call, retried when the answer says "later" or the network failed (all are idempotent). */
function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  return withRetries(async () => {
    const response = await apiFetch(`${API_BASE}${path}`, {
      ...init,
      headers: { accept: 'application/json', ...init.headers },
    });
    if (!response.ok) throw await toApiError(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  });
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
  /** A page of the student's conversations, most recently updated first. */
  listConversations: (cursor: string | null, limit = 20) => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    return call<ConversationList>(`/conversations?${query}`);
  },
  /** What is left of the student's day (questions, tokens) and when it resets. */
  usage: () => call<Usage>('/me/usage'),
  /** Everything the student has here, erased (`DELETE /api/v1/me`). */
  deleteMe: () => call<void>('/me', { method: 'DELETE' }),
  /** Everything the student has here, as the file the API hands over (`GET /api/v1/me/export`). */
  exportMe: () =>
    withRetries(async () => {
      const response = await apiFetch(`${API_BASE}/me/export`, {
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw await toApiError(response);
      const disposition = response.headers.get('content-disposition') ?? '';
      const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'iscoolgpt-export.json';
      return { name, data: await response.blob() };
    }),
};
