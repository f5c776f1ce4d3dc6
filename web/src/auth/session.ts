/**
 * Who the page acts as: a guest from the first visit (a guest session made without asking
 * anything), or a signed-in student or teacher. It hands the API client its bearer token
 * (api/fetch.ts), completes a sign-in when the provider sends the browser back (and claims the
 * guest's conversations for the account), signs a reloaded tab in again through the provider's
 * session, and signs out leaving nothing behind. Where each credential is kept: tokens.ts.
 */
import type { Credentials } from '../api/fetch.js';
import { ApiError } from '../api/problem.js';
import { claimGuest, createGuestSession } from '../api/sessions.js';
import { completeSignIn, redirectToSignIn, SignInError, signOutUrl } from './oidc.js';
import { loadSignInConfig, type SignInConfig } from './sign-in-config.js';
import { tokens } from './tokens.js';

export type Identity =
  | { kind: 'starting' }
  | { kind: 'guest' }
  | { kind: 'user'; name: string }
  /** The user's token ended (or the API refused it): signing in again goes on. */
  | { kind: 'expired'; name: string }
  /** On the way to the provider (sign-in or sign-out): the page does nothing more. */
  | { kind: 'leaving' };

/** What the student is told about their sign-in, once. */
export type SignInNotice = 'signInFailed' | 'signInEnded' | null;

export interface SessionState {
  identity: Identity;
  /** A provider is configured (the page offers "Sign in"). */
  canSignIn: boolean;
  notice: SignInNotice;
}

export class Session implements Credentials {
  private state: SessionState = { identity: { kind: 'starting' }, canSignIn: false, notice: null };
  private config: SignInConfig | null = null;
  private guestRequest: Promise<string> | null = null;
  private readonly listeners = new Set<() => void>();
  private ready: () => void = () => {};
  /** Resolves once the page knows who it acts as (no API call waits for less). */
  private readonly started = new Promise<void>((resolve) => (this.ready = resolve));

  get snapshot(): SessionState {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Decides who the page acts as. `callback` is the provider's answer when this load is the
   * return from it (oidc.ts `takeCallback`, already out of the address bar). Resolves false when
   * the page is leaving for the provider (a reloaded signed-in tab signing in again).
   */
  async start(callback: URLSearchParams | null): Promise<boolean> {
    this.config = await loadSignInConfig();
    this.set({ canSignIn: this.config !== null });
    if (callback && this.config) {
      await this.finishSignIn(this.config, callback);
    } else if (this.config && (tokens.signedInUntil() ?? 0) > Date.now()) {
      // A reload of a signed-in tab: the tokens were in memory; the provider's session gives new
      // ones without a form (or says login_required, and the tab goes on as a guest).
      this.leave();
      tokens.setUser(null);
      await redirectToSignIn(this.config, 'none');
      return false;
    } else {
      tokens.setUser(null);
      this.set({ identity: { kind: 'guest' } });
    }
    this.ready();
    return true;
  }

  async bearer(): Promise<string> {
    await this.started;
    const user = tokens.user();
    if (user) {
      if (user.expiresAt <= Date.now()) this.expire();
      return user.accessToken;
    }
    return this.guestToken();
  }

  refused(token: string): boolean {
    const user = tokens.user();
    if (user?.accessToken === token) {
      this.expire();
      return false;
    }
    // A guest token this server no longer takes (embedded mode makes a new key at each start):
    // a new guest session, once.
    if (tokens.guest()?.token === token) tokens.setGuest(null);
    return true;
  }

  /** To the provider's sign-in form; back on the page, the guest's conversations are claimed. */
  async signIn(): Promise<void> {
    if (!this.config) return;
    this.leave();
    // `login`: the form even if the provider still has someone's session (a shared computer).
    await redirectToSignIn(this.config, 'login');
  }

  /**
   * Forgets every credential and mark of this tab (the caller clears the rest of the page's
   * storage and state), then ends the provider's session too when it offers that; the page
   * comes back fresh, as a new guest.
   */
  signOut(): void {
    const url = this.config ? signOutUrl(this.config) : null;
    tokens.clear();
    this.guestRequest = null;
    this.leave();
    location.assign(url ?? '/');
  }

  /** After "Delete my data": a guest starts again as a new guest; a user stays signed in. */
  erased(): void {
    if (tokens.user()) return;
    tokens.setGuest(null);
    this.guestRequest = null;
  }

  clearNotice(): void {
    if (this.state.notice) this.set({ notice: null });
  }

  private async finishSignIn(config: SignInConfig, callback: URLSearchParams): Promise<void> {
    try {
      const { user } = await completeSignIn(config, callback);
      tokens.setUser(user);
      await this.claimGuest(user.accessToken);
      this.set({ identity: { kind: 'user', name: user.name } });
    } catch (error) {
      tokens.setUser(null);
      const silent = error instanceof SignInError && error.silent;
      // A reload's silent attempt that the provider could not answer: its session ended.
      this.set({ identity: { kind: 'guest' }, notice: silent ? 'signInEnded' : 'signInFailed' });
    }
  }

  /**
   * The guest's conversations become the user's; the guest token is dropped once they are (or
   * once the API says it is no guest token of its own: nothing to claim). Another failure keeps
   * it for the next start.
   */
  private async claimGuest(userToken: string): Promise<void> {
    const guest = tokens.guest();
    if (!guest) return;
    try {
      await claimGuest(userToken, guest.token);
      tokens.setGuest(null);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) tokens.setGuest(null);
    }
  }

  private guestToken(): Promise<string> {
    const guest = tokens.guest();
    if (guest) return Promise.resolve(guest.token);
    this.guestRequest ??= createGuestSession().then(
      (session) => {
        this.guestRequest = null;
        tokens.setGuest({ token: session.token, expiresAt: session.expiresAt });
        return session.token;
      },
      (error: unknown) => {
        this.guestRequest = null;
        throw error;
      },
    );
    return this.guestRequest;
  }

  private expire(): void {
    const { identity } = this.state;
    if (identity.kind !== 'user') return;
    this.set({ identity: { kind: 'expired', name: identity.name } });
  }

  private leave(): void {
    this.set({ identity: { kind: 'leaving' } });
  }

  private set(patch: Partial<SessionState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
