/**
 * Who is asking (GET /api/v1/me): user tokens from a local OpenID Connect issuer, checked
 * against its key set served over HTTP; every kind of bad token refused with 401 invalid_token.
 */
import { gatewaySettings } from '@iscoolgpt/shared';
import { base64url, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { build } from '../../../support/build.js';
import { makeKey, startTestIssuer } from '../../../support/test-issuer.js';

const AUDIENCE = 'page-client-id';
const issuer = await startTestIssuer();
const server = await build({ AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: AUDIENCE });

const me = (headers: Record<string, string> = {}) =>
  server.app.inject({ method: 'GET', url: '/api/v1/me', headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const now = () => Math.floor(Date.now() / 1000);

function expectInvalidToken(response: Awaited<ReturnType<typeof me>>) {
  expect(response.statusCode).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json()).toMatchObject({ status: 401, code: 'invalid_token' });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /api/v1/me with a user token from the issuer', () => {
  it('accepts a token for the audience: a student, identified by sub', async () => {
    const token = await issuer.sign({ sub: 'ana-123', aud: AUDIENCE, email: 'ana@school.example' });

    const response = await me(bearer(token));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: 'ana-123', kind: 'student' });
  });

  it('makes a member of the teachers group a teacher, by `groups` or `cognito:groups`', async () => {
    const groups = await issuer.sign({
      sub: 't-1',
      aud: [AUDIENCE, 'other'],
      groups: ['teachers'],
    });
    const cognito = await issuer.sign({
      sub: 't-2',
      aud: AUDIENCE,
      'cognito:groups': ['students', 'teachers'],
    });
    const other = await issuer.sign({ sub: 's-3', aud: AUDIENCE, groups: ['students'] });

    expect((await me(bearer(groups))).json()).toEqual({ id: 't-1', kind: 'teacher' });
    expect((await me(bearer(cognito))).json()).toEqual({ id: 't-2', kind: 'teacher' });
    expect((await me(bearer(other))).json()).toEqual({ id: 's-3', kind: 'student' });
  });

  it('accepts an access token that names the audience as its client_id (Cognito access tokens)', async () => {
    const token = await issuer.sign({ sub: 'ana-123', client_id: AUDIENCE, token_use: 'access' });

    expect((await me(bearer(token))).json()).toEqual({ id: 'ana-123', kind: 'student' });
  });

  it("refuses a sub that would pass for a guest's, an app's or the anonymous principal's id", async () => {
    for (const sub of ['guest:0b9a4f3e-2f47-4c36-9d0e-5f1b8c2a7d10', 'app:key-1', 'anonymous']) {
      expectInvalidToken(await me(bearer(await issuer.sign({ sub, aud: AUDIENCE }))));
    }
  });

  it('refuses an expired token', async () => {
    const token = await issuer.sign({ sub: 'ana-123', aud: AUDIENCE }, { expiresIn: now() - 60 });
    expectInvalidToken(await me(bearer(token)));
  });

  it('refuses a token not yet valid (nbf in the future)', async () => {
    const token = await issuer.sign({ sub: 'ana-123', aud: AUDIENCE, nbf: now() + 3600 });
    expectInvalidToken(await me(bearer(token)));
  });

  it('refuses a token from another issuer, even signed with a key the api trusts', async () => {
    const token = await issuer.sign({ sub: 'ana-123', aud: AUDIENCE, iss: 'https://evil.example' });
    expectInvalidToken(await me(bearer(token)));
  });

  it('refuses a token for another audience', async () => {
    const aud = await issuer.sign({ sub: 'ana-123', aud: 'another-app' });
    const clientId = await issuer.sign({ sub: 'ana-123', client_id: 'another-app' });
    expectInvalidToken(await me(bearer(aud)));
    expectInvalidToken(await me(bearer(clientId)));
  });

  it('refuses a bad signature: a key the issuer never published, under a published kid', async () => {
    const impostor = await makeKey(issuer.key.kid);
    const token = await issuer.sign({ sub: 'ana-123', aud: AUDIENCE }, { key: impostor });
    expectInvalidToken(await me(bearer(token)));

    const good = await issuer.sign({ sub: 'ana-123', aud: AUDIENCE });
    const [header, payload] = good.split('.');
    const tampered = `${header}.${base64url.encode(
      JSON.stringify({
        ...JSON.parse(new TextDecoder().decode(base64url.decode(payload!))),
        sub: 'root',
      }),
    )}.${good.split('.')[2]}`;
    expectInvalidToken(await me(bearer(tampered)));
  });

  it('refuses `alg: none`', async () => {
    const encode = (value: object) => base64url.encode(JSON.stringify(value));
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
      iss: issuer.issuer,
      sub: 'ana-123',
      aud: AUDIENCE,
      exp: now() + 3600,
    })}.`;
    expectInvalidToken(await me(bearer(token)));
  });

  it('refuses an HS256 user token, even one keyed with the issuer public key', async () => {
    const publicKeyAsSecret = new TextEncoder().encode(JSON.stringify(issuer.key.publicJwk));
    const token = await new SignJWT({ sub: 'ana-123', aud: AUDIENCE })
      .setProtectedHeader({ alg: 'HS256', kid: issuer.key.kid })
      .setIssuer(issuer.issuer)
      .setExpirationTime('1h')
      .sign(publicKeyAsSecret);
    expectInvalidToken(await me(bearer(token)));
  });

  it('refuses what is not a JWT at all, and an empty bearer', async () => {
    expectInvalidToken(await me(bearer('not-a-token')));
    expectInvalidToken(await me({ authorization: 'Bearer ' }));
  });

  it('never falls back to another principal when the bearer is bad', async () => {
    const gateway = await build(
      { AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: AUDIENCE },
      { callerHeader: gatewaySettings.callerHeader },
    );
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { ...bearer('not-a-token'), [gatewaySettings.callerHeader]: 'app-key-id' },
    });
    expectInvalidToken(response);
  });
});

describe('the issuer key set', () => {
  it('is fetched once and kept: many verified requests, one fetch', async () => {
    const before = issuer.fetches();
    for (let i = 0; i < 10; i++) {
      const token = await issuer.sign({ sub: `user-${i}`, aud: AUDIENCE });
      expect((await me(bearer(token))).statusCode).toBe(200);
    }
    expect(issuer.fetches() - before).toBeLessThanOrEqual(1);
  });

  it('is fetched again for an unknown key id, at most once a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    // Known keys are in hand.
    await me(bearer(await issuer.sign({ sub: 'ana-123', aud: AUDIENCE })));
    const rotated = await issuer.addKey('key-2');
    const fetched = issuer.fetches();

    // The issuer rotated its keys: the new kid makes the api look again, once.
    vi.setSystemTime(Date.now() + 61_000);
    const token = await issuer.sign({ sub: 'ana-123', aud: AUDIENCE }, { key: rotated });
    expect((await me(bearer(token))).statusCode).toBe(200);
    expect(issuer.fetches()).toBe(fetched + 1);

    // Unknown kids within the minute: refused, with no fetch each.
    const strangers = await Promise.all(['key-8', 'key-9'].map((kid) => makeKey(kid)));
    for (const key of strangers) {
      expectInvalidToken(await me(bearer(await issuer.sign({ sub: 'x', aud: AUDIENCE }, { key }))));
    }
    expect(issuer.fetches()).toBe(fetched + 1);
  });

  it('answers 503, not 401, when the key set cannot be fetched', async () => {
    const unreachable = await build({
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_JWKS_URL: 'http://127.0.0.1:9/keys.json',
    });
    const token = await issuer.sign({ sub: 'ana-123', aud: AUDIENCE });

    const response = await unreachable.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: bearer(token),
    });

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
  });
});

describe('GET /api/v1/me without a bearer token', () => {
  it('in embedded mode is the shared anonymous principal, so curl keeps working', async () => {
    expect((await me()).json()).toEqual({ id: 'anonymous', kind: 'anonymous' });
  });

  it('behind the gateway is the app whose API key the gateway names', async () => {
    const gateway = await build({}, { callerHeader: gatewaySettings.callerHeader });
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { [gatewaySettings.callerHeader]: 'k3y1d' },
    });
    expect(response.json()).toEqual({ id: 'app:k3y1d', kind: 'app' });
  });

  it('on start:api is 401 unauthenticated with WWW-Authenticate: Bearer; /health and /docs stay public', async () => {
    const api = await build({ GUEST_TOKEN_SECRET: 'x'.repeat(32) }, { mode: 'api' });

    const response = await api.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
    const ask = await api.app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: { 'content-type': 'application/json' },
      payload: { question: 'Why?' },
    });
    expect(ask.statusCode).toBe(401);
    expect(api.store.size).toBe(0);

    expect((await api.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
  });

  it('on start:api with ALLOW_ANONYMOUS=true is the anonymous principal', async () => {
    const api = await build(
      { GUEST_TOKEN_SECRET: 'x'.repeat(32), ALLOW_ANONYMOUS: 'true' },
      { mode: 'api' },
    );
    const response = await api.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(response.json()).toEqual({ id: 'anonymous', kind: 'anonymous' });
  });
});

describe('logs', () => {
  it('carry the principal id on every line of the request, never the token, e-mail or name', async () => {
    const token = await issuer.sign({
      sub: 'logged-sub-77',
      aud: AUDIENCE,
      email: 'ana.silva@school.example',
      name: 'Ana Silva',
    });
    await me(bearer(token));
    await server.app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: { question: 'What is a derivative?' },
    });

    const lines = server.logs.filter((line) => line.principalId === 'logged-sub-77');
    expect(lines.map((line) => line.msg)).toContain('request completed');
    expect(lines.some((line) => line.path === '/api/v1/ask')).toBe(true);
    const text = JSON.stringify(server.logs);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]);
    expect(text).not.toContain('ana.silva@school.example');
    expect(text).not.toContain('Ana Silva');
  });
});
