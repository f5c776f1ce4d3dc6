/**
 * Where the page keeps credentials (the README's rule, after the OAuth 2.0 for Browser-Based
 * Apps BCP): a signed-in user's tokens in this module's memory only, so nothing outlives the tab
 * or can be read from storage; the guest token, a low-value credential for the guest's own data,
 * in `sessionStorage` (this tab only, gone when it closes). Besides them, in `sessionStorage`
 * too: the pending sign-in (state, PKCE verifier and nonce, for the one redirect to the provider
 * and back) and a mark that this tab was signed in (no token, just until when), so a reload
 * signs in again through the provider's session. Nothing here is ever logged or put in a URL.
 */

import { readStored, writeStored } from '../state/web-storage.js';

export interface UserTokens {
  /** Sent to the API as `Authorization: Bearer`. */
  accessToken: string;
  /** When the access token ends (epoch ms). */
  expiresAt: number;
  /** What the header shows: the ID token's name, username or e-mail. */
  name: string;
}

export interface GuestToken {
  token: string;
  expiresAt: string;
}

export interface PendingSignIn {
  state: string;
  verifier: string;
  nonce: string;
  /** A reload's silent sign-in (`prompt=none`) rather than the student's click. */
  silent: boolean;
}

const KEYS = {
  guest: 'iscoolgpt.guestToken',
  pending: 'iscoolgpt.signIn',
  signedIn: 'iscoolgpt.signedInUntil',
} as const;

let user: UserTokens | null = null;

const read = <T>(key: string) => readStored<T>('sessionStorage', key);
const write = (key: string, value: unknown) => writeStored('sessionStorage', key, value);

export const tokens = {
  user: () => user,
  setUser(next: UserTokens | null): void {
    user = next;
    write(KEYS.signedIn, next ? next.expiresAt : null);
  },
  guest(): GuestToken | null {
    const guest = read<GuestToken>(KEYS.guest);
    return typeof guest?.token === 'string' ? guest : null;
  },
  setGuest: (guest: GuestToken | null) => write(KEYS.guest, guest),
  /** Until when this tab was signed in (epoch ms), if it was. */
  signedInUntil(): number | null {
    const until = read<number>(KEYS.signedIn);
    return typeof until === 'number' ? until : null;
  },
  /** The pending sign-in, removed as it is read: a callback is completed once at most. */
  takePending(): PendingSignIn | null {
    const pending = read<PendingSignIn>(KEYS.pending);
    write(KEYS.pending, null);
    return typeof pending?.state === 'string' && typeof pending.verifier === 'string'
      ? pending
      : null;
  },
  setPending: (pending: PendingSignIn) => write(KEYS.pending, pending),
  /** Every credential and mark, in memory and in this tab's storage. */
  clear(): void {
    user = null;
    for (const key of Object.values(KEYS)) write(key, null);
  },
};
