/**
 * `npm start`'s development OpenID provider, mounted at /oidc on the api's own origin: a real
 * authorization code + PKCE sign-in driven over HTTP ends with a token the api accepts.
 */
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/host.js';
import { DEMO_ACCOUNTS } from '../src/dev-identity/accounts.js';
import {
  createDevProvider,
  DEV_CLIENT_ID,
  devIssuerUrls,
  devPageOrigins,
  type DevProvider,
} from '../src/dev-identity/provider.js';
import { build, type TestApp } from './support/build.js';
import { browse, CookieJar, pkcePair, signInWithPkce } from './support/oidc-flow.js';

const [student, teacher] = DEMO_ACCOUNTS as [
  (typeof DEMO_ACCOUNTS)[number],
  (typeof DEMO_ACCOUNTS)[number],
];

let port: number;
let page: string;
let dev: DevProvider;
let server: TestApp;
/** The issuer on the name the page is opened by in these tests. */
let issuer: string;

beforeAll(async () => {
  port = await freePort();
  page = `http://localhost:${port}/`;
  dev = await createDevProvider(devIssuerUrls(port), {
    pageOrigins: devPageOrigins(port),
    teacherGroup: 'teachers',
  });
  server = await build({}, { devProvider: dev, localIssuer: dev });
  await server.app.listen({ port, host: '127.0.0.1' });
  issuer = `http://localhost:${port}/oidc`;
});

const me = (token: string) =>
  fetch(`http://127.0.0.1:${port}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

describe('the development OpenID provider (npm start)', () => {
  it('publishes its discovery document and keys under /oidc on the page origin', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    const discovery = (await response.json()) as { jwks_uri: string };

    expect(discovery).toMatchObject({
      issuer: `http://localhost:${port}/oidc`,
      authorization_endpoint: `http://localhost:${port}/oidc/auth`,
      token_endpoint: `http://localhost:${port}/oidc/token`,
      jwks_uri: `http://localhost:${port}/oidc/.well-known/jwks.json`,
      code_challenge_methods_supported: ['S256'],
    });
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: unknown[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256' })]);
    expect(JSON.stringify(jwks)).not.toMatch(/"d":/);
  });

  it("tells the study page where to sign in (/sign-in.json): the endpoints of the Host's own issuer", async () => {
    for (const host of ['localhost', '127.0.0.1']) {
      const origin = `http://${host}:${port}`;
      const response = await fetch(`${origin}/sign-in.json`);
      expect(response.status).toBe(200);
      const config = (await response.json()) as Record<string, string>;
      const discovery = (await (
        await fetch(`${origin}/oidc/.well-known/openid-configuration`)
      ).json()) as Record<string, string>;
      expect(config).toEqual({
        issuer: discovery.issuer,
        clientId: 'iscoolgpt-web',
        scope: 'openid profile groups',
        authorizationEndpoint: discovery.authorization_endpoint,
        tokenEndpoint: discovery.token_endpoint,
        endSessionEndpoint: discovery.end_session_endpoint,
        postLogoutRedirectParam: 'post_logout_redirect_uri',
      });
      expect(config.issuer).toBe(`${origin}/oidc`);
    }
  });

  it('signs the demo student in with authorization code + PKCE; the api takes the token', async () => {
    const tokens = await signInWithPkce({
      issuer,
      clientId: DEV_CLIENT_ID,
      redirectUri: page,
      username: student.username,
      password: student.password,
    });

    expect(tokens.tokenType).toBe('Bearer');
    const claims = decodeJwt(tokens.accessToken);
    expect(claims).toMatchObject({ iss: issuer, sub: student.id, client_id: DEV_CLIENT_ID });
    const response = await me(tokens.accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: student.id, kind: 'student' });
    // The ID token works too (its audience is the page's client id).
    expect(await (await me(tokens.idToken)).json()).toEqual({
      id: student.id,
      kind: 'student',
    });
  });

  it('signs the demo teacher in as a teacher (the groups claim), on 127.0.0.1 too', async () => {
    const onAddress = `http://127.0.0.1:${port}/oidc`;
    const tokens = await signInWithPkce({
      issuer: onAddress,
      clientId: DEV_CLIENT_ID,
      redirectUri: `http://127.0.0.1:${port}/`,
      username: teacher.username,
      password: teacher.password,
    });

    // The issuer of the name the page was opened by, so every call of the page is same-origin.
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ iss: onAddress, groups: ['teachers'] });
    expect(await (await me(tokens.accessToken)).json()).toEqual({
      id: teacher.id,
      kind: 'teacher',
    });
  });

  it('refuses a wrong password on its form, and lets nobody in', async () => {
    const result = await signInWithPkce({
      issuer,
      clientId: DEV_CLIENT_ID,
      redirectUri: page,
      username: student.username,
      password: 'not-the-password',
    });

    expect(result.loginStatus).toBe(401);
    expect(result.accessToken).toBe('');
  });

  it('refuses an authorization request without PKCE, and a redirect URI it does not know', async () => {
    const jar = new CookieJar();
    const base = { client_id: DEV_CLIENT_ID, response_type: 'code', scope: 'openid' };
    const withoutPkce = await browse(
      jar,
      `${issuer}/auth?${new URLSearchParams({ ...base, redirect_uri: page })}`,
    );
    // The error goes back to the page (a registered redirect URI), never to a sign-in form.
    expect(withoutPkce.status).toBe(303);
    expect(withoutPkce.headers.get('location')).toMatch(/error=invalid_request/);

    const { challenge } = pkcePair();
    const elsewhere = await browse(
      jar,
      `${issuer}/auth?${new URLSearchParams({
        ...base,
        redirect_uri: 'https://attacker.example/',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })}`,
    );
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
  });

  it('serves its sign-in form with no script and accessible labels', async () => {
    const jar = new CookieJar();
    const { challenge } = pkcePair();
    const start = await browse(
      jar,
      `${issuer}/auth?${new URLSearchParams({
        client_id: DEV_CLIENT_ID,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: page,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })}`,
    );
    const form = await browse(jar, new URL(start.headers.get('location') ?? '', page).href);

    expect(form.status).toBe(200);
    expect(form.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await form.text();
    expect(html).toMatch(/<label for="username">Username<\/label>/);
    expect(html).toMatch(/<label for="password">Password<\/label>/);
    expect(html).not.toMatch(/<script/i);
  });
});
