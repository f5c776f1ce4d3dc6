/**
 * Guest sessions (POST /api/v1/sessions): a token of this service's own, accepted as a bearer,
 * limited per client address; and Idempotency-Keys that belong to the principal who sent them.
 */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { build } from '../../../support/build.js';

const server = await build({ GUEST_SESSIONS_PER_MINUTE: '3' });

const startSession = (headers: Record<string, string> = {}) =>
  server.app.inject({ method: 'POST', url: '/api/v1/sessions', headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const me = (token: string) =>
  server.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });

/** Each test from its own address, so the per-address limit is the limit test's alone. */
let address = 0;
const from = () => ({ 'x-forwarded-for': `198.51.100.${++address}` });

describe('POST /api/v1/sessions', () => {
  it('starts a guest session: 201 with a token, its expiry and the guest', async () => {
    const response = await startSession(from());

    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(String),
      user: { id: expect.stringMatching(/^guest:[0-9a-f-]{36}$/), kind: 'guest' },
    });
    // GUEST_TOKEN_TTL_DAYS, 30 by default.
    const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it('gives a token that makes its bearer that guest, and each session a guest of its own', async () => {
    const first = (await startSession(from())).json();
    const second = (await startSession(from())).json();

    expect((await me(first.token)).json()).toEqual(first.user);
    expect((await me(second.token)).json()).toEqual(second.user);
    expect(second.user.id).not.toBe(first.user.id);
  });

  it('refuses a guest token signed with another key, or expired, as invalid_token', async () => {
    const sign = (secret: string, exp: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('urn:iscoolgpt:guest')
        .setAudience('urn:iscoolgpt:api')
        .setSubject('0b6f9c3e-9d36-4f5e-a2a4-0f3b8a4f1c11')
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));
    const forged = await sign(
      'a-secret-this-server-never-had-000',
      Math.floor(Date.now() / 1000) + 60,
    );
    const other = await build({ GUEST_SESSIONS_PER_MINUTE: '3' });
    const fromOtherServer = (
      await other.app.inject({ method: 'POST', url: '/api/v1/sessions' })
    ).json().token;

    for (const token of [forged, fromOtherServer]) {
      const response = await me(token);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(response.json()).toMatchObject({ code: 'invalid_token' });
    }
  });

  it('expires after GUEST_TOKEN_TTL_DAYS', async () => {
    const shortLived = await build({ GUEST_TOKEN_TTL_DAYS: '0.00001' }); // under a second
    const { token } = (
      await shortLived.app.inject({ method: 'POST', url: '/api/v1/sessions' })
    ).json();
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const response = await shortLived.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: bearer(token),
    });
    expect(response.statusCode).toBe(401);
  });

  it('is limited per client address: 429 with Retry-After past GUEST_SESSIONS_PER_MINUTE', async () => {
    const address = { 'x-forwarded-for': '203.0.113.7' };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await startSession(address)).statusCode);
    const refused = await startSession(address);

    expect(statuses).toEqual([201, 201, 201, 429]);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    // Another address is not held back.
    expect((await startSession(from())).statusCode).toBe(201);
  });

  it('needs no credentials on start:api, where other routes do', async () => {
    const api = await build({ GUEST_TOKEN_SECRET: 's'.repeat(40) }, { mode: 'api' });
    const session = await api.app.inject({ method: 'POST', url: '/api/v1/sessions' });
    expect(session.statusCode).toBe(201);
    const response = await api.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: bearer(session.json().token),
    });
    expect(response.json()).toEqual(session.json().user);
  });

  it('writes no token in the logs', async () => {
    const { token } = (await startSession(from())).json();
    await me(token);
    expect(JSON.stringify(server.logs)).not.toContain(token.split('.')[2]);
  });
});

describe('Idempotency-Key per principal', () => {
  const ask = (token: string, key: string, question = 'What is an enzyme?') =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: { ...bearer(token), 'content-type': 'application/json', 'idempotency-key': key },
      payload: { question },
    });

  it('gives two guests with the same key and body a job each; each replay returns its own', async () => {
    const alice = (await startSession(from())).json().token;
    const bob = (await startSession(from())).json().token;

    const first = await ask(alice, 'quiz-1');
    const second = await ask(bob, 'quiz-1');
    const replay = await ask(alice, 'quiz-1');
    // Bob's other body under the same key is no conflict with Alice's.
    const bobOther = await ask(bob, 'quiz-2', 'What is a gene?');
    const aliceOther = await ask(alice, 'quiz-2', 'What is a genome?');

    expect(second.json().id).not.toBe(first.json().id);
    expect(replay.json().id).toBe(first.json().id);
    expect(bobOther.statusCode).toBe(200);
    expect(aliceOther.statusCode).toBe(200);
  });
});
