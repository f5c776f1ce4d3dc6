import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { LocalIssuer } from '../auth/identity.js';
import { accountById, DEMO_ACCOUNTS, type DemoAccount } from './accounts.js';
import { memoryAdapter } from './memory-adapter.js';
import { DEV_CLIENT_ID, OIDC_SCOPE } from './sign-in-config.js';
import { renderProviderError, renderLogout, renderLoggedOut } from './pages.js';

export { DEV_CLIENT_ID } from './sign-in-config.js';

/** Where the provider is mounted in the embedded process: the page's own origin, so no CORS. */
export const DEV_PROVIDER_PATH = '/oidc';
/** The resource the access tokens are for (their `aud`); they carry `client_id` too. */
export const DEV_API_RESOURCE = 'urn:iscoolgpt:api';
const API_SCOPE = 'api';

/**
 * The issuers of the provider: one per name the page may be opened by on this machine, so the
 * discovery document, the tokens' `iss` and the page's own origin always agree (an issuer on
 * `localhost` would make the code exchange of a page opened on 127.0.0.1 a cross-origin call,
 * which the page's CSP refuses).
 */
export function devIssuerUrls(port: number): string[] {
  return [
    `http://127.0.0.1:${port}${DEV_PROVIDER_PATH}`,
    `http://localhost:${port}${DEV_PROVIDER_PATH}`,
  ];
}

/** Where the study page may be opened on this machine: the api itself, or Vite's dev server. */
export function devPageOrigins(port: number): string[] {
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`, 'http://localhost:5173'];
}

/** Plain lines for the person who ran `npm start` and opens `pageUrl`: how to sign in. */
export function describeDevProvider(dev: DevProvider, pageUrl: string): string[] {
  const origin = new URL(pageUrl).origin;
  const issuer = dev.issuers.find((url) => new URL(url).origin === origin) ?? dev.issuers[0];
  return [
    `Sign in on the page with a demo account (development OpenID provider ${issuer}, client id ${dev.clientId}):`,
    ...DEMO_ACCOUNTS.map(
      (account) =>
        `  ${account.username} / ${account.password}  (${account.teacher ? 'teacher' : 'student'})`,
    ),
  ];
}

export interface DevProviderOptions {
  /** Every origin the page may be served from, each gets `<origin>/` as a redirect URI. */
  pageOrigins: readonly string[];
  /** The group whose members are teachers (AUTH_TEACHER_GROUP). */
  teacherGroup: string;
}

export interface DevProvider extends LocalIssuer {
  issuers: string[];
  /** The provider instance for a request's Host (its issuer's origin), else the first one. */
  providerFor(host: string | undefined): Provider;
  /** Where the api mounts it (DEV_PROVIDER_PATH). */
  mountPath: string;
  clientId: string;
  redirectUris: string[];
}

/**
 * A development OpenID provider (oidc-provider, a certified implementation) for `npm start`:
 * the demo accounts, one public client for the study page (authorization code + PKCE, redirect
 * URIs on the page's origins), RS256 keys made at start. Access tokens are JWTs for the API
 * (`aud` the API resource, `client_id` the page, `groups`); ID tokens carry `groups` too. The
 * api trusts it through the keys in memory, without fetching them over HTTP.
 */
export async function createDevProvider(
  issuers: readonly string[],
  { pageOrigins, teacherGroup }: DevProviderOptions,
): Promise<DevProvider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(8).toString('hex');
  const signingKey: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const redirectUris = pageOrigins.map((origin) => `${origin}/`);
  const groupsOf = (account: DemoAccount) => [account.teacher ? teacherGroup : 'students'];

  // One store and one key for every issuer; oidc-provider takes its configuration apart, so each
  // instance gets its own copy.
  const adapter = memoryAdapter();
  const cookieKey = randomBytes(32).toString('base64url');
  const configuration = (): Configuration => ({
    adapter,
    jwks: { keys: [{ ...signingKey }] },
    clients: [
      {
        client_id: DEV_CLIENT_ID,
        client_name: 'IsCoolGPT study page',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: redirectUris,
        post_logout_redirect_uris: redirectUris,
      },
    ],
    pkce: { required: () => true },
    // Where Cognito serves its keys too: AUTH_JWKS_URL's default works for this issuer as well.
    routes: { jwks: '/.well-known/jwks.json' },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'groups', API_SCOPE],
    // ID tokens carry the user's claims (groups) even in the code flow.
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => {
      const account = accountById(id);
      if (!account) return undefined;
      return {
        accountId: account.id,
        claims: () => ({
          sub: account.id,
          name: account.name,
          preferred_username: account.username,
          groups: groupsOf(account),
        }),
      };
    },
    // Access tokens for the API say who is a teacher, as Cognito's say with `cognito:groups`.
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const account = accountById(token.accountId);
      return account ? { groups: groupsOf(account) } : undefined;
    },
    // The study page is first party: signing in is consent enough.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const clientId = oidc.client?.clientId;
      if (!clientId || !oidc.session?.accountId) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope(OIDC_SCOPE);
      grant.addResourceScope(DEV_API_RESOURCE, API_SCOPE);
      await grant.save();
      return grant;
    },
    interactions: {
      url: (_ctx, interaction) => `${DEV_PROVIDER_PATH}/interaction/${interaction.uid}`,
    },
    cookies: { keys: [cookieKey] },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => DEV_API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== DEV_API_RESOURCE) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPE,
            audience: DEV_API_RESOURCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 60 * 60,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: renderLogout,
        postLogoutSuccessSource: renderLoggedOut,
      },
    },
    // Same-origin in embedded mode; a page served elsewhere (Vite's dev server) may call it too.
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    renderError: renderProviderError,
    ttl: {
      AccessToken: 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      Session: 24 * 60 * 60,
      Grant: 24 * 60 * 60,
    },
  });
  const providers = new Map(
    issuers.map((issuer) => [new URL(issuer).host, new Provider(issuer, configuration())]),
  );
  const first = [...providers.values()][0];
  if (!first) throw new Error('the development provider needs an issuer');
  return {
    providerFor: (host) => (host && providers.get(host)) || first,
    mountPath: DEV_PROVIDER_PATH,
    issuer: [...issuers],
    issuers: [...issuers],
    audience: DEV_CLIENT_ID,
    keys: createLocalJWKSet({ keys: [publicJwk] }),
    clientId: DEV_CLIENT_ID,
    redirectUris,
  };
}
