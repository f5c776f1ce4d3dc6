import { gatewaySettings } from '@iscoolgpt/shared';
import { describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '../../../../src/app.js';
import { build } from '../../../support/build.js';

const instant = await build();
const slow = await build({ OFFLINE_PROVIDER_DELAY_MS: '1500', SYNC_WAIT_SECONDS: '1' });
// Built as the API service is, behind API Gateway, which names the caller in this header.
const gateway = await build({}, { callerHeader: gatewaySettings.callerHeader });
const late = await build({ OFFLINE_PROVIDER_DELAY_MS: '5000', JOB_DEADLINE_SECONDS: '1' });

function ask(app: typeof instant.app, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/ask',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function pollUntilSettled(app: typeof instant.app, location: string) {
  for (let i = 0; i < 100; i++) {
    const response = await app.inject({ method: 'GET', url: location });
    const job = response.json();
    if (job.status === 'completed' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job at ${location} did not settle`);
}

describe('POST /api/v1/ask — answers', () => {
  it('answers synchronously with the completed job when the answer is ready in time', async () => {
    const response = await ask(instant.app, {
      question: '  Why is the sky blue?  ',
      subject: 'physics',
      level: 'high school',
      language: 'en',
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const job = response.json();
    expect(job).toMatchObject({
      status: 'completed',
      question: 'Why is the sky blue?',
      subject: 'physics',
      level: 'high school',
      language: 'en',
      provider: 'offline',
      attempts: 1,
      error: null,
    });
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(job.answer).toContain('OFFLINE DEMO');
    expect(job.answer).toContain('Why is the sky blue?');
    expect(job.usage.outputTokens).toBeGreaterThan(0);
    expect(Date.parse(job.completedAt)).toBeGreaterThanOrEqual(Date.parse(job.createdAt));
  });

  it('uses the default wait (SYNC_WAIT_SECONDS, 20 s unless set) when no Prefer header is sent', async () => {
    const response = await ask(instant.app, { question: 'What is 2 + 2?' });

    expect(instant.config.SYNC_WAIT_SECONDS).toBe(20);
    expect(response.statusCode).toBe(200);
    // No preference was sent, so none is said to be applied.
    expect(response.headers['preference-applied']).toBeUndefined();
  });

  it('returns 202 with Location and Retry-After at once for Prefer: respond-async, then the job completes', async () => {
    const started = Date.now();
    const response = await ask(
      slow.app,
      { question: 'Explain osmosis' },
      { prefer: 'respond-async' },
    );

    expect(Date.now() - started).toBeLessThan(1000);
    expect(response.statusCode).toBe(202);
    expect(response.headers['preference-applied']).toBe('respond-async');
    const job = response.json();
    expect(['queued', 'running']).toContain(job.status);
    expect(job.answer).toBeNull();
    expect(response.headers.location).toBe(`/api/v1/jobs/${job.id}`);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);

    const settled = await pollUntilSettled(slow.app, response.headers.location as string);
    expect(settled).toMatchObject({ id: job.id, status: 'completed', provider: 'offline' });
    expect(settled.answer).toContain('Explain osmosis');
  });

  it('returns 202 when the answer is not ready within the default wait', async () => {
    const response = await ask(slow.app, { question: 'What is entropy?' });

    expect(response.statusCode).toBe(202);
    expect(response.headers['preference-applied']).toBeUndefined();
    expect(response.json().status).toBe('running');
  });

  it('waits as long as Prefer: wait=N asks, answering 200 when the job finishes inside it', async () => {
    const response = await ask(slow.app, { question: 'What is a prime?' }, { prefer: 'wait=5' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['preference-applied']).toBe('wait=5');
    expect(response.json().status).toBe('completed');
  });

  it.each(['wait=abc', 'wait=-1', 'wait=1e-7', 'handling=strict'])(
    'says nothing is applied for Prefer: %s, which it does not honour',
    async (prefer) => {
      const response = await ask(instant.app, { question: 'Define mass' }, { prefer });

      expect(response.statusCode).toBe(200);
      expect(response.headers['preference-applied']).toBeUndefined();
    },
  );

  it('caps Prefer: wait at 25 s so the request stays under API Gateway’s 29 s limit', async () => {
    const response = await ask(
      instant.app,
      { question: 'Define velocity' },
      { prefer: 'wait=600' },
    );

    expect(response.statusCode).toBe(200);
    expect(response.headers['preference-applied']).toBe('wait=25');
  });

  it('refuses a provider this server lacks with 422 before creating a job, logged at info', async () => {
    // No key is configured here: only the offline demo provider answers, so no name is valid.
    const before = instant.store.size;
    const response = await ask(
      instant.app,
      { question: 'Hi', provider: 'openai' },
      { 'x-request-id': 'no-provider-1' },
    );

    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 422,
      type: '/problems/provider-not-configured',
      code: 'provider_not_configured',
      providers: [],
    });
    expect(response.json().detail).toContain('openai');
    expect(instant.store.size).toBe(before);
    const lines = instant.logs.filter((line) => line.reqId === 'no-provider-1');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => (line.level as number) <= 30)).toBe(true);
  });

  it('answers 502 problem+json with the code and job id when the job fails', async () => {
    // Past its deadline before any worker answers, the job fails: deadline_exceeded.
    const response = await ask(late.app, { question: 'Hi' }, { prefer: 'wait=3' });

    expect(response.statusCode).toBe(502);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status: 502, code: 'deadline_exceeded' });
    expect(problem.type).toBeTruthy();
    expect(problem.title).toBeTruthy();

    const job = await late.app.inject({ method: 'GET', url: `/api/v1/jobs/${problem.jobId}` });
    expect(job.json()).toMatchObject({ status: 'failed', error: { code: 'deadline_exceeded' } });
  });

  it('echoes a request id and logs it together with the job id', async () => {
    const response = await ask(instant.app, { question: 'Log me' }, { 'x-request-id': 'req-42' });

    expect(response.headers['x-request-id']).toBe('req-42');
    const jobId = response.json().id;
    expect(instant.logs).toContainEqual(expect.objectContaining({ reqId: 'req-42', jobId }));
  });
});

describe('POST /api/v1/ask — Idempotency-Key', () => {
  it('returns the same job for the same key and body, without answering twice', async () => {
    const body = { question: 'What is DNA?', subject: 'biology' };
    const first = await ask(instant.app, body, { 'idempotency-key': 'student-1-q-1' });
    const again = await ask(
      instant.app,
      { subject: 'biology', question: ' What is DNA? ' },
      {
        'idempotency-key': 'student-1-q-1',
      },
    );

    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const settled = instant.logs.filter(
      (line) => line.jobId === first.json().id && line.msg === 'job settled',
    );
    expect(settled).toHaveLength(1);
  });

  it('rejects the same key with a different body with 422 problem+json', async () => {
    await ask(instant.app, { question: 'What is RNA?' }, { 'idempotency-key': 'student-1-q-2' });
    const response = await ask(
      instant.app,
      { question: 'What is ATP?' },
      {
        'idempotency-key': 'student-1-q-2',
      },
    );

    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 422,
      type: '/problems/idempotency-key-reused',
    });
  });
});

describe('POST /api/v1/ask — Idempotency-Key per caller', () => {
  const caller = (id: string) => ({ [gatewaySettings.callerHeader]: id });

  it('behind the gateway, gives another caller with the same key and body a job of its own', async () => {
    const body = { question: 'What is an enzyme?' };
    const key = { 'idempotency-key': 'quiz-7' };
    const alice = await ask(gateway.app, body, { ...key, ...caller('alice-key-id') });
    const bob = await ask(gateway.app, body, { ...key, ...caller('bob-key-id') });
    const aliceAgain = await ask(gateway.app, body, { ...key, ...caller('alice-key-id') });

    expect(alice.statusCode).toBe(200);
    expect(bob.statusCode).toBe(200);
    expect(bob.json().id).not.toBe(alice.json().id);
    expect(aliceAgain.json()).toEqual(alice.json());
  });

  it('behind the gateway, does not call the same key with another caller’s body a conflict', async () => {
    const key = { 'idempotency-key': 'quiz-8' };
    await ask(gateway.app, { question: 'What is a gene?' }, { ...key, ...caller('alice-key-id') });
    const bob = await ask(
      gateway.app,
      { question: 'What is a genome?' },
      { ...key, ...caller('bob-key-id') },
    );

    expect(bob.statusCode).toBe(200);
    expect(bob.json().question).toBe('What is a genome?');
  });

  it('in embedded mode, has one scope: a client cannot pick another by sending the header', async () => {
    const body = { question: 'What is a cell?' };
    const key = { 'idempotency-key': 'quiz-9' };
    const first = await ask(instant.app, body, { ...key, ...caller('alice') });
    const second = await ask(instant.app, body, { ...key, ...caller('mallory') });

    expect(second.json().id).toBe(first.json().id);
  });
});

describe('POST /api/v1/ask — bad input', () => {
  const cases: [string, unknown, { field: string; message: RegExp }][] = [
    ['an empty question', { question: '' }, { field: 'question', message: /empty/ }],
    ['a blank question', { question: '   \n ' }, { field: 'question', message: /empty/ }],
    ['a missing question', { subject: 'math' }, { field: 'question', message: /string/ }],
    [
      'a question over 8000 characters',
      { question: 'a'.repeat(8001) },
      { field: 'question', message: /8000/ },
    ],
    ['a question that is not a string', { question: 42 }, { field: 'question', message: /string/ }],
    [
      'a subject that is not a string',
      { question: 'q', subject: ['x'] },
      { field: 'subject', message: /string/ },
    ],
    [
      'an unknown provider',
      { question: 'q', provider: 'gemini' },
      { field: 'provider', message: /openai/ },
    ],
    [
      'an unknown field',
      { question: 'q', temperature: 2 },
      { field: 'temperature', message: /unknown field/ },
    ],
    ['a body that is not an object', [1, 2], { field: '', message: /object/ }],
  ];

  it.each(cases)('rejects %s with 400 naming the field and why', async (_name, body, expected) => {
    const response = await ask(instant.app, body);

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({
      type: '/problems/validation-error',
      status: 400,
      title: 'Invalid request',
    });
    expect(problem.errors).toContainEqual(
      expect.objectContaining({
        in: 'body',
        field: expected.field,
        message: expect.stringMatching(expected.message),
      }),
    );
    expect(problem.detail).toMatch(expected.message);
  });

  it('lists at most 20 invalid fields, with their count, and cuts long names', async () => {
    const body: Record<string, unknown> = { question: 'q', ['long'.repeat(100)]: 0 };
    for (let i = 0; i < 4999; i++) body[`k${i}`] = 0;
    const response = await ask(instant.app, body);

    expect(response.statusCode).toBe(400);
    const problem = response.json();
    expect(problem.errors).toHaveLength(20);
    expect(problem.errorCount).toBe(5000);
    expect(problem.errors[0].field.length).toBeLessThanOrEqual(101);
    expect(problem.errors[0].field.startsWith('longlong')).toBe(true);
    expect(response.body.length).toBeLessThan(8 * 1024);
  });

  it('accepts a question of exactly 8000 characters', async () => {
    const response = await ask(
      instant.app,
      { question: 'a'.repeat(8000) },
      { prefer: 'respond-async' },
    );
    expect(response.statusCode).toBe(202);
  });

  it('rejects malformed JSON with 400 problem+json', async () => {
    const response = await ask(instant.app, '{"question": "unterminated');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 400, type: '/problems/malformed-json' });
  });

  it('rejects a body that is not JSON with 415 problem+json', async () => {
    const response = await instant.app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: { 'content-type': 'text/plain' },
      payload: 'What is love?',
    });
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 415,
      type: '/problems/unsupported-media-type',
    });
  });

  it('rejects a body over 64 KiB with 413 problem+json', async () => {
    const response = await ask(instant.app, { question: 'x'.repeat(BODY_LIMIT_BYTES) });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 413, type: '/problems/payload-too-large' });
  });

  it('rejects a malformed Idempotency-Key with 400 naming the header', async () => {
    const response = await ask(
      instant.app,
      { question: 'q' },
      { 'idempotency-key': 'has spaces in it' },
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toContainEqual(
      expect.objectContaining({ in: 'headers', field: 'idempotency-key' }),
    );
  });
});
