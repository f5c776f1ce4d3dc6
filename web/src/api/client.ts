/** The JSON endpoints: conversations, cancel, feedback. The page calls the API on its own origin. */
import { toApiError } from './problem.js';
import { withRetries } from './retry.js';
import type { Conversation, FeedbackBody, Job } from './types.js';

export const API_BASE = '/api/v1';

/** One JSON call, retried when the answer says "later" or the network failed (all are idempotent). */
function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  return withRetries(async () => {
    const response = await fetch(`${API_BASE}${path}`, {
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
};
