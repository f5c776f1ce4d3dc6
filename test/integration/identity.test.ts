/**
 * Who is asking, with Cognito's tokens: moto's user pool issues RS256 ID and access tokens with
 * `cognito:groups`; the api (in embedded mode, and `start:api` as a real process) takes them
 * with the pool's keys from AUTH_JWKS_URL and recognizes the teachers group. `start:api` also
 * refuses requests without credentials, and lets guests in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../services/api/test/support/build.js';
import { createAwsSuite, localAws, type AwsSuite } from '../support/aws-suite.js';
import { createLocalUserPool, type CognitoTokens, type LocalUserPool } from '../support/cognito.js';
import { freePort } from '../support/host.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

let pool: LocalUserPool;
let otherPool: LocalUserPool;
let teacher: CognitoTokens;
let student: CognitoTokens;
let stranger: CognitoTokens;

beforeAll(async () => {
  // Cognito on moto, which always runs here (it serves DynamoDB; LocalStack's Cognito is not free).
  const moto = localAws().endpoints.dynamodb;
  pool = await createLocalUserPool(moto);
  otherPool = await createLocalUserPool(moto);
  teacher = await pool.signIn('prof-lima', ['teachers']);
  student = await pool.signIn('ana', ['students']);
  stranger = await otherPool.signIn('mallory', ['teachers']);
});

afterAll(async () => {
  await Promise.all([pool?.delete(), otherPool?.delete()]);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A user's id is the issuer's `sub` as it is: moto's Cognito makes UUIDs. */
const COGNITO_SUB = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Cognito tokens (moto) in embedded mode', () => {
  it('accepts ID and access tokens and recognizes the teachers group', async () => {
    const { app } = await build(pool.env);
    const me = async (token: string) =>
      (await app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) })).json();

    expect(await me(teacher.idToken)).toEqual({
      id: expect.stringMatching(COGNITO_SUB),
      kind: 'teacher',
    });
    expect(await me(teacher.accessToken)).toEqual(await me(teacher.idToken));
    expect(await me(student.accessToken)).toEqual({
      id: expect.stringMatching(COGNITO_SUB),
      kind: 'student',
    });
    expect((await me(student.idToken)).id).not.toBe((await me(teacher.idToken)).id);
  });

  it('refuses a token of another user pool with 401 invalid_token', async () => {
    const { app } = await build(pool.env);
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: bearer(stranger.idToken),
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });
});

describe('start:api as a process, trusting the user pool', () => {
  let suite: AwsSuite;
  let api: ServiceProcess;
  let url: string;

  beforeAll(async () => {
    suite = await createAwsSuite();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    api = startService('api', {
      ...suite.env,
      ...pool.env,
      ALLOW_ANONYMOUS: 'false',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await api.waitForLog((line) => line.msg === 'api service started', 90_000);
  });

  afterAll(async () => {
    if (api?.child.exitCode === null) api.kill('SIGKILL');
    await suite?.cleanup();
  });

  const me = (headers: Record<string, string> = {}) => fetch(`${url}/api/v1/me`, { headers });

  it('takes the pool tokens: a teacher and a student', async () => {
    expect(await (await me(bearer(teacher.accessToken))).json()).toMatchObject({ kind: 'teacher' });
    expect(await (await me(bearer(student.idToken))).json()).toMatchObject({ kind: 'student' });
  });

  it('refuses requests without credentials, and a bad token, each in its own words', async () => {
    const none = await me();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toMatchObject({ code: 'unauthenticated' });

    const bad = await me(bearer(stranger.accessToken));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await bad.json()).toMatchObject({ code: 'invalid_token' });
  });

  it('starts guest sessions without credentials, whose tokens it then takes', async () => {
    const session = await fetch(`${url}/api/v1/sessions`, { method: 'POST' });
    expect(session.status).toBe(201);
    const { token, user } = (await session.json()) as { token: string; user: unknown };

    expect(await (await me(bearer(token))).json()).toEqual(user);
  });

  it('logs the principal id, never the token', async () => {
    await me(bearer(student.accessToken));
    const line = await api.waitForLog(
      (entry) =>
        entry.msg === 'request completed' && entry.path === '/api/v1/me' && 'principalId' in entry,
    );
    expect(line.principalId).toMatch(COGNITO_SUB);
    expect(api.output()).not.toContain(student.accessToken.split('.')[2]);
  });
});
