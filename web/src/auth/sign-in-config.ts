/**
 * Where the page signs people in, learnt at start from `/sign-in.json` on its own origin: the
 * embedded development provider's (served by `npm start`, per host name) or Cognito's (written
 * by the deploy from the stack's outputs). No file, or one that does not read: the page works
 * for guests only and offers no "Sign in".
 */

export interface SignInConfig {
  /** The ID token's `iss`. */
  issuer: string;
  clientId: string;
  scope: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Ends the provider's session at sign-out (OpenID RP-initiated logout, or Cognito's /logout). */
  endSessionEndpoint?: string;
  /** The parameter naming where the provider returns after sign-out. */
  postLogoutRedirectParam: 'post_logout_redirect_uri' | 'logout_uri';
}

export const SIGN_IN_CONFIG_PATH = '/sign-in.json';

function isUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The file's content as a SignInConfig, or null when it is not one. */
export function readSignInConfig(value: unknown): SignInConfig | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (!isUrl(v.issuer) || !isUrl(v.authorizationEndpoint) || !isUrl(v.tokenEndpoint)) return null;
  if (typeof v.clientId !== 'string' || !v.clientId) return null;
  if (typeof v.scope !== 'string' || !v.scope.split(' ').includes('openid')) return null;
  if (v.endSessionEndpoint !== undefined && !isUrl(v.endSessionEndpoint)) return null;
  const param = v.postLogoutRedirectParam ?? 'post_logout_redirect_uri';
  if (param !== 'post_logout_redirect_uri' && param !== 'logout_uri') return null;
  return {
    issuer: v.issuer,
    clientId: v.clientId,
    scope: v.scope,
    authorizationEndpoint: v.authorizationEndpoint,
    tokenEndpoint: v.tokenEndpoint,
    ...(v.endSessionEndpoint ? { endSessionEndpoint: v.endSessionEndpoint } : {}),
    postLogoutRedirectParam: param,
  };
}

/** Fetches and reads the file; null when there is none (404) or it cannot be had or read. */
export async function loadSignInConfig(): Promise<SignInConfig | null> {
  try {
    const response = await fetch(SIGN_IN_CONFIG_PATH, { headers: { accept: 'application/json' } });
    if (!response.ok) return null;
    return readSignInConfig(await response.json());
  } catch {
    return null;
  }
}
