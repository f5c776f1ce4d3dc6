/**
 * Quotas, per principal (issue 20), on embedded mode through HTTP against a fake OpenAI server:
 * concurrent asks past the day's questions, the RateLimit headers, the token limit, pending jobs
 * and open streams, GET /api/v1/me/usage, erasure, and the refusals' metric.
 */
import type { AddressInfo } from 'node:net';
import type { Job } from '@iscoolgpt/shared';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../../shared/test/support/fake-llm.js';
import { build } from './support/build.js';

const upstream = await FakeLlmServer.start();
afterAll(() => upstream.close());
beforeEach(() => {
  upstream.reset();
  upstream.otherwise(
    openaiWire.completion('A lever multiplies force.', {
      usage: { prompt_tokens: 300, completion_tokens: 100 },
    }),
  );
});

const model = {
  OPENAI_API_KEY: 'sk-test-quotas',
  OPENAI_BASE_URL: `${upstream.url}/v1`,
  LLM_MAX_ATTEMPTS: '1',
  WORKER_CONCURRENCY: '20',
};
const QUESTIONS = 5;

/** A server whose limits are the ones a test shows (the others off). */
async function server(limits: Record<string, string>, now?: () => number) {
  const built = await build(
    {
      ...model,
      QUOTA_QUESTIONS_PER_DAY: '0',
      QUOTA_GUEST_QUESTIONS_PER_DAY: '0',
      QUOTA_TOKENS_PER_DAY: '0',
      QUOTA_PENDING_JOBS: '0',
      QUOTA_OPEN_STREAMS: '0',
      // Jobs left waiting on the slow fake provider are not waited for at the end.
      SHUTDOWN_TIMEOUT_SECONDS: '1',
      ...limits,
    },
    now ? { now } : {},
  );
  const ask = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    built.app.inject({ method: 'POST', url: '/api/v1/ask', headers, payload: body });
  const usage = async (headers: Record<string, string> = {}) =>
    (await built.app.inject({ method: 'GET', url: '/api/v1/me/usage', headers })).json();
  return { ...built, ask, usage };
}

async function guest(app: Awaited<ReturnType<typeof build>>['app']) {
  const session = await app.inject({ method: 'POST', url: '/api/v1/sessions' });
  return { authorization: `Bearer ${session.json<{ token: string }>().token}` };
}

describe('the day’s questions', async () => {
  const { app, ask, usage } = await server({
    QUOTA_QUESTIONS_PER_DAY: String(QUESTIONS),
    QUOTA_GUEST_QUESTIONS_PER_DAY: '2',
  });

  it(`accepts exactly ${QUESTIONS} of ${QUESTIONS + 15} concurrent asks; the rest are 429 quota_exceeded with Retry-After and RateLimit headers`, async () => {
    const responses = await Promise.all(
      Array.from({ length: QUESTIONS + 15 }, (_, index) =>
        ask({ question: `What is ${index} + 1?` }, { prefer: 'respond-async' }),
      ),
    );

    const accepted = responses.filter((response) => response.statusCode === 202);
    const refused = responses.filter((response) => response.statusCode === 429);
    expect(accepted).toHaveLength(QUESTIONS);
    expect(refused).toHaveLength(15);
    const secondsToMidnight = (Date.parse(nextMidnight()) - Date.now()) / 1000;
    for (const response of refused) {
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({
        status: 429,
        code: 'quota_exceeded',
        limit: 'questions',
        allowed: QUESTIONS,
        resetsAt: nextMidnight(),
      });
      const retryAfter = Number(response.headers['retry-after']);
      expect(Math.abs(retryAfter - secondsToMidnight)).toBeLessThan(5);
      expect(response.headers['ratelimit-policy']).toBe(`"questions";q=${QUESTIONS};w=86400`);
      expect(response.headers.ratelimit).toBe(`"questions";r=0;t=${retryAfter}`);
    }
    // Each accepted ask says how many are left after it: every count from 4 down to 0, once.
    const left = accepted.map((response) => {
      expect(response.headers['ratelimit-policy']).toBe(`"questions";q=${QUESTIONS};w=86400`);
      return Number(/r=(\d+)/.exec(String(response.headers.ratelimit))?.[1]);
    });
    expect(left.sort()).toEqual([0, 1, 2, 3, 4]);
    expect((await usage()).questions).toEqual({ used: QUESTIONS, limit: QUESTIONS });
  });

  it('counts a guest under QUOTA_GUEST_QUESTIONS_PER_DAY, on their own', async () => {
    const headers = await guest(app);
    expect((await ask({ question: 'Why is ice slippery?' }, headers)).statusCode).toBe(200);
    expect((await ask({ question: 'Why is snow white?' }, headers)).statusCode).toBe(200);

    const third = await ask({ question: 'Why is the sea salty?' }, headers);

    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({ code: 'quota_exceeded', allowed: 2 });
    expect(await usage(headers)).toMatchObject({
      day: new Date().toISOString().slice(0, 10),
      questions: { used: 2, limit: 2 },
      resetsAt: nextMidnight(),
    });
  });

  it('counts the refusals in iscoolgpt_quota_denied_total{code}', async () => {
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });

    expect(metrics.body).toMatch(/^iscoolgpt_quota_denied_total\{code="quota_exceeded"\} 16$/m);
  });
});

describe('the day’s tokens', async () => {
  const { ask, usage } = await server({ QUOTA_TOKENS_PER_DAY: '700' });

  it('adds what each settled job used, and refuses asks once the day’s tokens are reached', async () => {
    expect((await ask({ question: 'What is a lever?' })).statusCode).toBe(200);
    expect(await usage()).toMatchObject({
      tokens: { used: 400, limit: 700 },
      // gpt-4o-mini's $0.15 / $0.60 per million tokens: 300 in, 100 out.
      costUsd: 0.000105,
    });
    expect((await ask({ question: 'What is a pulley?' })).statusCode).toBe(200);

    const refused = await ask({ question: 'What is a wedge?' });

    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'quota_exceeded', limit: 'tokens', allowed: 700 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await usage()).toMatchObject({ tokens: { used: 800, limit: 700 }, costUsd: 0.00021 });
  });
});

describe('pending jobs', async () => {
  const { app, ask } = await server({ QUOTA_PENDING_JOBS: '2' });

  it('refuses a third pending ask with 429 too_many_pending, and takes one again once a job ends', async () => {
    upstream.otherwise({ ...openaiWire.completion('Slowly.'), delayMs: 10_000 });
    const first = await ask({ question: 'Slow one?' }, { prefer: 'respond-async' });
    const second = await ask({ question: 'Slow two?' }, { prefer: 'respond-async' });
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);

    const third = await ask({ question: 'Slow three?' }, { prefer: 'respond-async' });

    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({ code: 'too_many_pending', limit: 'pending', allowed: 2 });
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    await app.inject({ method: 'POST', url: `/api/v1/jobs/${first.json<Job>().id}/cancel` });
    const again = await ask({ question: 'Slow four?' }, { prefer: 'respond-async' });
    expect(again.statusCode).toBe(202);
    for (const job of [second, again]) {
      await app.inject({ method: 'POST', url: `/api/v1/jobs/${job.json<Job>().id}/cancel` });
    }
  });
});

describe('open event streams', async () => {
  const { app } = await server({ QUOTA_OPEN_STREAMS: '2' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  it('refuses a third open stream of one principal with 429 too_many_streams, and frees a slot when a stream ends', async () => {
    upstream.otherwise({ ...openaiWire.completion('Slowly.'), delayMs: 10_000 });
    const streams: AbortController[] = [];
    const open = async (headers: Record<string, string> = {}) => {
      const stop = new AbortController();
      const response = await fetch(`${base}/api/v1/ask`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
        body: JSON.stringify({ question: `Stream ${streams.length}?` }),
        signal: stop.signal,
      });
      streams.push(stop);
      return response;
    };
    expect((await open()).status).toBe(200);
    const second = await open();
    expect(second.status).toBe(200);

    const third = await open();

    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ code: 'too_many_streams', allowed: 2 });
    // Another principal is not held back by this one's streams.
    expect((await open(await guest(app))).status).toBe(200);
    streams[0]!.abort();
    await until(async () => (await open()).status === 200);
    for (const stream of streams) stream.abort();
  });
});

describe('a new UTC day (an injected clock)', async () => {
  const clock = { now: Date.parse('2026-03-09T23:59:59.000Z') };
  const { ask, usage } = await server({ QUOTA_QUESTIONS_PER_DAY: '2' }, () => clock.now);

  it('refuses past the day’s questions until midnight UTC, then counts afresh', async () => {
    await ask({ question: 'What is a lever?' });
    await ask({ question: 'What is a pulley?' });
    const refused = await ask({ question: 'What is a wedge?' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ resetsAt: '2026-03-10T00:00:00.000Z' });

    clock.now = Date.parse('2026-03-10T00:00:00.000Z');

    const next = await ask({ question: 'What is a wedge?' });
    expect(next.statusCode).toBe(200);
    expect(next.headers.ratelimit).toBe('"questions";r=1;t=86400');
    expect(await usage()).toMatchObject({
      day: '2026-03-10',
      questions: { used: 1, limit: 2 },
      resetsAt: '2026-03-11T00:00:00.000Z',
    });
  });
});

describe('erasing a principal’s data', async () => {
  const { app, ask, usage } = await server({ QUOTA_GUEST_QUESTIONS_PER_DAY: '3' });

  it('removes their counters too', async () => {
    const headers = await guest(app);
    await ask({ question: 'What is a gear?' }, headers);
    expect((await usage(headers)).questions.used).toBe(1);

    await app.inject({ method: 'DELETE', url: '/api/v1/me', headers });

    expect((await usage(headers)).questions.used).toBe(0);
  });
});

function nextMidnight(): string {
  const now = new Date();
  return new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1),
  ).toISOString();
}

/** Polls until `check` gives a truthy value (at most 5 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
