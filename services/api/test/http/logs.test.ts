import { describe, expect, it } from 'vitest';
import { build } from '../support/build.js';

const built = await build();
const full = await build({ MEMORY_STORE_MAX_JOBS: '1', OFFLINE_PROVIDER_DELAY_MS: '5000' });

const health = (headers: Record<string, string> = {}, url = '/health') =>
  built.app.inject({ method: 'GET', url, headers });

describe('x-request-id', () => {
  it('keeps a well-formed id the client sent', async () => {
    const response = await health({ 'x-request-id': 'trace-1.a:b_c' });
    expect(response.headers['x-request-id']).toBe('trace-1.a:b_c');
  });

  it.each([
    ['over 128 characters', 'a'.repeat(129)],
    ['with spaces and quotes', 'a "b" c'],
    ['with a newline escape', 'x\\ny'],
  ])('replaces an id %s with one of its own', async (_name, sent) => {
    const response = await health({ 'x-request-id': sent });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(built.logs)).not.toContain(sent);
  });
});

describe('the access line', () => {
  it('logs the path, never the query string (a query may carry a secret)', async () => {
    await built.app.inject({
      method: 'GET',
      url: '/api/v1/jobs/not-an-id?token=s3cr3t-value',
      headers: { 'x-request-id': 'query-1' },
    });
    const line = built.logs.find((l) => l.reqId === 'query-1' && l.msg === 'request completed');
    expect(line).toMatchObject({ path: '/api/v1/jobs/not-an-id', statusCode: 400 });
    expect(JSON.stringify(built.logs)).not.toContain('s3cr3t-value');
  });

  it("carries an ask's request id, principal id and job id, as its other lines do", async () => {
    const question = { question: 'What is a log line?' };
    const ask = (id: string) =>
      built.app.inject({
        method: 'POST',
        url: '/api/v1/ask',
        headers: { prefer: 'respond-async', 'x-request-id': id, 'idempotency-key': 'log-1' },
        payload: question,
      });
    const first = (await ask('ask-1')).json<{ id: string }>();
    // The replay logs a line of its own through the request's logger, besides its access line.
    await ask('ask-2');

    const lines = built.logs.filter((l) => l.reqId === 'ask-1' || l.reqId === 'ask-2');
    const access = lines.filter((l) => l.msg === 'request completed');
    expect(access).toHaveLength(2);
    for (const line of access) {
      expect(line).toMatchObject({ principalId: 'anonymous', jobId: first.id });
    }
    expect(lines).toContainEqual(
      expect.objectContaining({
        reqId: 'ask-2',
        principalId: 'anonymous',
        jobId: first.id,
        msg: 'idempotent replay of an earlier ask',
      }),
    );
  });
});

describe('a full store (503)', () => {
  it('logs the refusal at warn, without a stack, instead of an error', async () => {
    const ask = (id: string) =>
      full.app.inject({
        method: 'POST',
        url: '/api/v1/ask',
        headers: { prefer: 'respond-async', 'x-request-id': id },
        payload: { question: 'Fill the store' },
      });
    await ask('fill-1');
    const refused = await ask('fill-2');

    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBeTruthy();
    const lines = full.logs.filter((l) => l.reqId === 'fill-2');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => (l.level as number) <= 40)).toBe(true);
    expect(lines.some((l) => l.level === 40)).toBe(true);
    expect(JSON.stringify(lines)).not.toMatch(/stack|\.ts:\d+/);
  });
});
