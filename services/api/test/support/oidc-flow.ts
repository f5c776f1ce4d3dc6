/**
 * A browser's authorization code + PKCE sign-in, driven over HTTP as a public client would: read
 * the provider's discovery document, send the user to its authorization endpoint, fill in its
 * sign-in form, follow the redirects back to the page, then exchange the code at the token
 * endpoint with the code verifier. Cookies are kept as a browser keeps them (per name, sent
 * back on every later request to the provider's origin).
 */
import { createHash, randomBytes } from 'node:crypto';

export interface SignInOptions {
  /** The issuer (discovery at `${issuer}/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  redirectUri: string;
  username: string;
  password: string;
  scope?: string;
}

export interface SignInResult {
  accessToken: string;
  idToken: string;
  tokenType: string;
  expiresIn: number;
  /** The sign-in form's answer to the credentials (200/303 accepted, 401 refused). */
  loginStatus: number;
}

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** A request the way a browser sends it: cookies attached, redirects not followed. */
export async function browse(jar: CookieJar, url: string, init: RequestInit = {}) {
  const response = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
  });
  jar.keep(response);
  return response;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** Follows redirects (sending cookies) until one leaves for `redirectUri`; returns that URL. */
async function followUntil(jar: CookieJar, start: Response, base: string, redirectUri: string) {
  let response = start;
  for (let hop = 0; hop < 10; hop++) {
    const location = response.headers.get('location');
    if (!location) {
      throw new Error(`expected a redirect, got ${response.status}: ${await response.text()}`);
    }
    const next = new URL(location, base);
    if (`${next.origin}${next.pathname}` === redirectUri) return next;
    response = await browse(jar, next.href);
    if (response.status === 200) return { page: response };
  }
  throw new Error('too many redirects');
}

/** The whole sign-in; throws with what went wrong, or resolves with the tokens. */
export async function signInWithPkce(options: SignInOptions): Promise<SignInResult> {
  const { issuer, clientId, redirectUri, username, password } = options;
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const jar = new CookieJar();
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(discovery.authorization_endpoint);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid profile groups',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();

  // To the sign-in form.
  const toForm = await followUntil(jar, await browse(jar, authorize.href), issuer, redirectUri);
  if (!('page' in toForm)) throw new Error('signed in without a form: a session was already open');
  const form = await toForm.page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(form)?.[1];
  if (!action) throw new Error(`no sign-in form in: ${form.slice(0, 500)}`);
  const login = await browse(jar, new URL(action.replaceAll('&amp;', '&'), issuer).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  if (login.status !== 303) {
    return { accessToken: '', idToken: '', tokenType: '', expiresIn: 0, loginStatus: login.status };
  }

  // Back to the page with a code.
  const back = await followUntil(jar, login, issuer, redirectUri);
  if ('page' in back) throw new Error(`stopped on a page: ${await back.page.text()}`);
  if (back.searchParams.get('state') !== state) throw new Error('state did not come back');
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code in ${back.href}`);

  const token = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    }).toString(),
  });
  const body = (await token.json()) as Record<string, unknown>;
  if (!token.ok) throw new Error(`token endpoint ${token.status}: ${JSON.stringify(body)}`);
  return {
    accessToken: String(body.access_token),
    idToken: String(body.id_token),
    tokenType: String(body.token_type),
    expiresIn: Number(body.expires_in),
    loginStatus: login.status,
  };
}
