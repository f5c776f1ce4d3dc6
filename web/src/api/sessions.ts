/**
 * The calls that make and hand over credentials: a guest session, and its claim by a signed-in
 * user. They carry the token they are about explicitly (never the installed credentials).
 */
import { API_BASE } from './client.js';
import { toApiError } from './problem.js';
import { withRetries } from './retry.js';
import type { paths } from './openapi.gen.js';

export type GuestSession =
  paths['/api/v1/sessions']['post']['responses'][201]['content']['application/json'];

/** A new guest session (retried when the API says "later": it is rate limited per address). */
export function createGuestSession(): Promise<GuestSession> {
  return withRetries(async () => {
    const response = await fetch(`${API_BASE}/sessions`, {
      method: 'POST',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw await toApiError(response);
    return (await response.json()) as GuestSession;
  });
}

/** The signed-in user takes over the guest's conversations (idempotent). */
export function claimGuest(userToken: string, guestToken: string): Promise<void> {
  return withRetries(async () => {
    const response = await fetch(`${API_BASE}/sessions/claim`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${userToken}`,
      },
      body: JSON.stringify({ guestToken }),
    });
    if (!response.ok) throw await toApiError(response);
  });
}
