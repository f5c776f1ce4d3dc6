/**
 * Principals for HTTP tests: guests from POST /api/v1/sessions and signed-in users with tokens
 * of a local test issuer (the app under test must trust it: AUTH_ISSUER and AUTH_AUDIENCE from
 * `issuerEnv`). Each is the headers its requests carry.
 */
import type { App } from '../../src/app.js';
import type { TestIssuer } from './test-issuer.js';

export const TEST_AUDIENCE = 'study-page';

export function issuerEnv(issuer: TestIssuer): Record<string, string> {
  return { AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: TEST_AUDIENCE };
}

export interface Caller {
  name: string;
  headers: Record<string, string>;
}

let address = 0;

export async function guest(app: App, name: string): Promise<Caller & { token: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/sessions',
    // Each guest from its own address: the per-address session limit is not what is tested.
    headers: { 'x-forwarded-for': `192.0.2.${(++address % 250) + 1}` },
  });
  if (response.statusCode !== 201) throw new Error(`no guest session: ${response.body}`);
  const { token } = response.json() as { token: string };
  return { name, token, headers: { authorization: `Bearer ${token}` } };
}

export async function student(
  issuer: TestIssuer,
  name: string,
  groups: string[] = ['students'],
): Promise<Caller> {
  const token = await issuer.sign({ sub: `sub-${name}`, aud: TEST_AUDIENCE, groups });
  return { name, headers: { authorization: `Bearer ${token}` } };
}

export const anonymous: Caller = { name: 'anonymous', headers: {} };
