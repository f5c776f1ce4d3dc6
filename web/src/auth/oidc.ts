/**
 * The page's side of OpenID Connect: authorization code with PKCE (S256) as a public client, with
 * `oauth4webapi` (a certified, dependency-free client) doing the protocol's checks: the callback's
 * `state` and `iss`, the token response, the ID token's issuer, audience, expiry and nonce. The
 * redirect URI is the page's own root; the callback's parameters leave the address bar before
 * anything else runs.
 */
import * as oauth from 'oauth4webapi';
import type { SignInConfig } from './sign-in-config.js';
import { tokens, type UserTokens } from './tokens.js';

/** The parameters a provider returns with; removed from the address bar at once. */
const CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description', 'session_state'];

/** A sign-in that did not complete, with the provider's error code when it sent one. */
export class SignInError extends Error {
  constructor(
    readonly code: string,
    /** It was a reload's silent attempt (the student asked for nothing). */
    readonly silent = false,
  ) {
    super(`sign-in failed: ${code}`);
    this.name = 'SignInError';
  }
}

const redirectUri = () => `${location.origin}/`;

function server(config: SignInConfig): oauth.AuthorizationServer {
  return {
    issuer: config.issuer,
    authorization_endpoint: config.authorizationEndpoint,
    token_endpoint: config.tokenEndpoint,
  };
}

function client(config: SignInConfig): oauth.Client {
  return { client_id: config.clientId };
}

/** Plain HTTP only for a provider on this machine (the embedded one); oauth4webapi wants a say. */
function httpOptions(config: SignInConfig): oauth.TokenEndpointRequestOptions {
  const { protocol, hostname } = new URL(config.tokenEndpoint);
  const local = hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
  return protocol === 'http:' && local ? { [oauth.allowInsecureRequests]: true } : {};
}

/**
 * Sends the browser to the provider. `login` makes it ask for the password even when it still
 * has a session (on a shared computer, the previous student's); `none` asks it to answer at once
 * from its session or with `login_required` (a reload's silent sign-in).
 */
export async function redirectToSignIn(config: SignInConfig, prompt: 'login' | 'none') {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  tokens.setPending({ state, verifier, nonce, silent: prompt === 'none' });
  const url = new URL(config.authorizationEndpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: redirectUri(),
    scope: config.scope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    prompt,
  }).toString();
  location.assign(url.href);
}

/**
 * When this page load is the provider sending the browser back: its parameters, after taking
 * them out of the address bar (history.replaceState), so a code never stays in the history, a
 * bookmark or a shared link. Null on any other load.
 */
export function takeCallback(): URLSearchParams | null {
  const url = new URL(location.href);
  const { searchParams } = url;
  if (!searchParams.has('state') || !(searchParams.has('code') || searchParams.has('error'))) {
    return null;
  }
  const callback = new URLSearchParams();
  for (const name of CALLBACK_PARAMS) {
    const value = searchParams.get(name);
    if (value !== null) callback.set(name, value);
    searchParams.delete(name);
  }
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return callback;
}

/**
 * Completes the sign-in the callback answers: checks it against the pending request, exchanges
 * the code (with the PKCE verifier) for tokens and validates the ID token. Resolves with the
 * user's tokens; rejects with a SignInError (`login_required` after a silent attempt the provider
 * could not answer, `access_denied`, `no_pending_sign_in`, …).
 */
export async function completeSignIn(
  config: SignInConfig,
  callback: URLSearchParams,
): Promise<{ user: UserTokens; silent: boolean }> {
  const pending = tokens.takePending();
  if (!pending) throw new SignInError('no_pending_sign_in');
  const as = server(config);
  const me = client(config);
  try {
    const params = oauth.validateAuthResponse(as, me, callback, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      me,
      oauth.None(),
      params,
      redirectUri(),
      pending.verifier,
      httpOptions(config),
    );
    const result = await oauth.processAuthorizationCodeResponse(as, me, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
    const claims = oauth.getValidatedIdTokenClaims(result);
    const name = [claims?.name, claims?.preferred_username, claims?.email].find(
      (value): value is string => typeof value === 'string' && value !== '',
    );
    const lifetime = (result.expires_in ?? 3600) * 1000;
    const user = {
      accessToken: result.access_token,
      expiresAt: Date.now() + lifetime,
      name: name ?? '',
    };
    return { user, silent: pending.silent };
  } catch (error) {
    throw new SignInError(failureCode(error), pending.silent);
  }
}

function failureCode(error: unknown): string {
  if (error instanceof oauth.AuthorizationResponseError) {
    return error.error;
  }
  if (error instanceof oauth.ResponseBodyError) return error.error;
  return error instanceof TypeError ? 'network' : 'invalid_response';
}

/**
 * Where to send the browser to end the provider's session too (null when it offers none): the
 * provider returns to the page's root. No token goes in this URL: the client id says who asks.
 */
export function signOutUrl(config: SignInConfig): string | null {
  if (!config.endSessionEndpoint) return null;
  const url = new URL(config.endSessionEndpoint);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set(config.postLogoutRedirectParam, redirectUri());
  return url.href;
}
