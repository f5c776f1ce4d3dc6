/**
 * Quotas on the AWS path (issue 20): two `start:api` processes and a `start:worker` over local
 * AWS (moto) and the run's Redis, the worker answering from a fake OpenAI server. Every caller is
 * a fresh guest, so what this suite counts in the shared Redis is its own.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../shared/test/support/fake-llm.js';
import { QUOTAS_OFF } from '../../shared/test/support/quotas.js';
import { createAwsSuite, type AwsSuite } from '../support/aws-suite.js';
import { freePort } from '../support/host.js';
import { startRedisServer } from '../support/local-redis.js';
import { localRedisUrl } from '../support/redis-suite.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const QUESTIONS = 5;
let suite: AwsSuite;
let fake: FakeLlmServer;
let redis: Redis;
const running: ServiceProcess[] = [];
/** Two api processes counting the day's questions in Redis. */
const daily: string[] = [];
/** One api process with the token, pending-job and open-stream limits. */
let limits: string;

beforeAll(async () => {
  suite = await createAwsSuite({ visibilityTimeoutSeconds: 5 });
  fake = await FakeLlmServer.start();
  redis = new Redis(localRedisUrl());
  const common = { ...suite.env, ...QUOTAS_OFF, LLM_PROVIDERS: 'openai', LOG_LEVEL: 'info' };
  const worker = startService('worker', {
    ...common,
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    LLM_MAX_ATTEMPTS: '1',
    WORKER_CONCURRENCY: '25',
  });
  running.push(worker);
  const startApi = async (env: Record<string, string>) => {
    const port = await freePort();
    const api = startService('api', { ...common, ...env, PORT: String(port), HOST: '127.0.0.1' });
    running.push(api);
    await api.waitForLog((line) => line.msg === 'api service started');
    return `http://127.0.0.1:${port}`;
  };
  const counted = { QUOTA_GUEST_QUESTIONS_PER_DAY: String(QUESTIONS) };
  daily.push(...(await Promise.all([startApi(counted), startApi(counted)])));
  limits = await startApi({
    QUOTA_TOKENS_PER_DAY: '700',
    QUOTA_PENDING_JOBS: '2',
    QUOTA_OPEN_STREAMS: '2',
  });
  await worker.waitForLog((line) => line.msg === 'worker started');
}, 120_000);

beforeEach(() => {
  fake.reset();
  fake.otherwise(
    openaiWire.completion('A lever multiplies force.', {
      usage: { prompt_tokens: 300, completion_tokens: 100 },
    }),
  );
});

afterAll(async () => {
  for (const service of running) if (service.child.exitCode === null) service.kill('SIGKILL');
  redis?.disconnect();
  await fake?.close();
  await suite?.cleanup();
});

async function guest(base: string): Promise<Record<string, string>> {
  const session = await fetch(`${base}/api/v1/sessions`, { method: 'POST' });
  return { authorization: `Bearer ${((await session.json()) as { token: string }).token}` };
}

function ask(base: string, who: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...who, ...headers },
    body: JSON.stringify({ question: `What is ${randomUUID().slice(0, 8)}?` }),
  });
}

async function usage(base: string, who: Record<string, string>) {
  return (await (await fetch(`${base}/api/v1/me/usage`, { headers: who })).json()) as {
    questions: { used: number; limit: number | null };
    tokens: { used: number; limit: number | null };
    costUsd: number;
    day: string;
    resetsAt: string;
  };
}

describe('the day’s questions across two api processes', () => {
  it(`accepts exactly ${QUESTIONS} of ${QUESTIONS + 15} concurrent asks of one guest; the rest are 429 with Retry-After and RateLimit headers`, async () => {
    const who = await guest(daily[0]!);

    const responses = await Promise.all(
      Array.from({ length: QUESTIONS + 15 }, (_, index) =>
        ask(daily[index % 2]!, who, { prefer: 'respond-async' }),
      ),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(QUESTIONS);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    for (const response of responses) {
      expect(response.headers.get('ratelimit-policy')).toBe(`"questions";q=${QUESTIONS};w=86400`);
      expect(response.headers.get('ratelimit')).toMatch(/^"questions";r=[0-4];t=\d+$/);
      if (response.status !== 429) continue;
      expect(await response.json()).toMatchObject({ code: 'quota_exceeded', limit: 'questions' });
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(86_400);
      expect(response.headers.get('ratelimit')).toBe(`"questions";r=0;t=${retryAfter}`);
    }
    const day = await usage(daily[1]!, who);
    expect(day).toMatchObject({
      day: new Date().toISOString().slice(0, 10),
      questions: { used: QUESTIONS, limit: QUESTIONS },
      tokens: { limit: null },
    });
    expect(Date.parse(day.resetsAt) - Date.now()).toBeLessThanOrEqual(86_400_000);
  });
});

describe('tokens, pending jobs and open streams', () => {
  it('adds each settled job’s tokens and cost, and refuses asks once the day’s tokens are reached', async () => {
    const who = await guest(limits);
    expect((await ask(limits, who, { prefer: 'wait=20' })).status).toBe(200);
    expect((await ask(limits, who, { prefer: 'wait=20' })).status).toBe(200);

    const refused = await ask(limits, who, { prefer: 'wait=20' });

    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'quota_exceeded', limit: 'tokens' });
    expect(await usage(limits, who)).toMatchObject({
      questions: { used: 2, limit: null },
      tokens: { used: 800, limit: 700 },
      costUsd: 0.00021,
    });
  });

  it('refuses a third pending job with 429 too_many_pending', async () => {
    fake.otherwise({ ...openaiWire.completion('Slowly.'), delayMs: 3000 });
    const who = await guest(limits);
    const async = { prefer: 'respond-async' };
    expect((await ask(limits, who, async)).status).toBe(202);
    expect((await ask(limits, who, async)).status).toBe(202);

    const third = await ask(limits, who, async);

    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ code: 'too_many_pending', allowed: 2 });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a third open event stream with 429 too_many_streams', async () => {
    fake.otherwise({ ...openaiWire.completion('Slowly.'), delayMs: 3000 });
    const who = await guest(limits);
    const stops: AbortController[] = [];
    const stream = (jobId: string) => {
      const stop = new AbortController();
      stops.push(stop);
      return fetch(`${limits}/api/v1/jobs/${jobId}/events`, { headers: who, signal: stop.signal });
    };
    const first = (await (await ask(limits, who, { prefer: 'respond-async' })).json()) as {
      id: string;
    };

    const opened = [await stream(first.id), await stream(first.id)];
    const third = await stream(first.id);

    expect(opened.map((response) => response.status)).toEqual([200, 200]);
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ code: 'too_many_streams', allowed: 2 });
    for (const stop of stops) stop.abort();
  });

  it('erases a guest’s counters with DELETE /api/v1/me: nothing of them stays in Redis', async () => {
    const who = await guest(limits);
    expect((await ask(limits, who, { prefer: 'wait=20' })).status).toBe(200);
    const me = (await (await fetch(`${limits}/api/v1/me`, { headers: who })).json()) as {
      id: string;
    };
    expect(await redis.keys(`quota:{${me.id}}*`)).not.toHaveLength(0);

    await fetch(`${limits}/api/v1/me`, { method: 'DELETE', headers: who });

    expect(await redis.keys(`quota:{${me.id}}*`)).toEqual([]);
  });
});

describe('the counter store unreachable', () => {
  it('lets asks through, warns once per outage and counts each unchecked ask', async () => {
    // An api process of its own on a Redis of its own, which this test stops.
    const own = await startRedisServer();
    const port = await freePort();
    const api = startService('api', {
      ...suite.env,
      REDIS_URL: own.url,
      LLM_PROVIDERS: 'openai',
      QUOTA_GUEST_QUESTIONS_PER_DAY: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    running.push(api);
    await api.waitForLog((line) => line.msg === 'api service started');
    const base = `http://127.0.0.1:${port}`;
    const who = await guest(base);
    expect((await ask(base, who, { prefer: 'respond-async' })).status).toBe(202);
    expect((await ask(base, who, { prefer: 'respond-async' })).status).toBe(429);

    await own.stop();
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await ask(base, who, { prefer: 'respond-async' })).status);

    expect(statuses).toEqual([202, 202, 202]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^iscoolgpt_quota_unchecked_total 3$/m);
    // The api batches its log lines (up to 100 ms): a refused request after the asks marks the
    // point up to which stdout holds every line they wrote, in order.
    const marker = await fetch(`${base}/api/v1/ask`, {
      method: 'POST',
      headers: { ...who, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(marker.status).toBe(400);
    await api.waitForLog((line) => line.msg === 'request rejected' && line.status === 400);
    const warnings = api.logs.filter(
      (line) => line.msg === 'quota counters unavailable: asks are let through',
    );
    expect(warnings).toHaveLength(1);
  });
});
