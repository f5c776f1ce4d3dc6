/**
 * The answer cache on the AWS path: two `start:api` processes and one `start:worker` as real
 * processes against local AWS (moto or LocalStack), a Redis server of this file's own (the event
 * channel and the cache; stopped on purpose), a fake OpenAI server that counts its requests, and
 * an SQS proxy in front of the api processes that counts their calls. What embedded mode shows
 * (answer-cache.test.ts of the api), shown again across processes: a hit costs no provider request
 * and no SQS call, identical asks on two api processes at once make one provider request, a hit
 * survives an api restart, and with Redis stopped the model answers.
 */
import { randomUUID } from 'node:crypto';
import type { Job } from '@iscoolgpt/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqsRecorder } from '../../services/worker/test/support/sqs-recorder.js';
import { FakeLlmServer, openaiWire } from '../../shared/test/support/fake-llm.js';
import { eventData, openEventStream, streamedText } from '../../shared/test/support/sse.js';
import { createAwsSuite, localAws, type AwsSuite } from '../support/aws-suite.js';
import { freePort } from '../support/host.js';
import { startRedisServer, type RedisServer } from '../support/local-redis.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const ANSWER = 'Photosynthesis turns light, water and CO₂ into sugar: 1. Light is absorbed…';
const USAGE = { prompt_tokens: 150, completion_tokens: 60 };

let suite: AwsSuite;
let redis: RedisServer;
let fake: FakeLlmServer;
let sqs: SqsRecorder;
let servicesEnv: Record<string, string>;
const running: ServiceProcess[] = [];
/** The two api processes' base URLs. */
const apis: string[] = [];

beforeAll(async () => {
  suite = await createAwsSuite({ visibilityTimeoutSeconds: 10 });
  redis = await startRedisServer();
  fake = await FakeLlmServer.start();
  sqs = await SqsRecorder.start(localAws().endpoints.sqs);
  servicesEnv = {
    ...suite.env,
    REDIS_URL: redis.url,
    ANSWER_CACHE: 'on',
    // These tests show what happens, not how fast: on a loaded machine a lookup must not turn
    // into a miss by its timeout (the hung-Redis test waits for it).
    ANSWER_CACHE_TIMEOUT_MS: '1500',
    // A second model, allowed, for the "another model is a miss" case.
    LLM_MODELS: 'gpt-4o-mini,gpt-4o',
    LOG_LEVEL: 'info',
  };
  const worker = track(
    startService('worker', {
      ...servicesEnv,
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      LLM_MAX_ATTEMPTS: '1',
      WORKER_CONCURRENCY: '6',
    }),
  );
  const [first, second] = await Promise.all([startApi(), startApi()]);
  apis.push(first!.url, second!.url);
  await worker.waitForLog((line) => line.msg === 'worker started');
}, 120_000);

beforeEach(() => {
  fake.reset();
  fake.otherwise(openaiWire.completion(ANSWER, { usage: USAGE }));
});

afterAll(async () => {
  for (const service of running) if (service.child.exitCode === null) service.kill('SIGKILL');
  await sqs?.close();
  await redis?.stop();
  await fake?.close();
  await suite?.cleanup();
});

function track(service: ServiceProcess): ServiceProcess {
  running.push(service);
  return service;
}

/** An api process whose SQS calls go through the counting proxy. */
async function startApi(): Promise<{ url: string; service: ServiceProcess }> {
  const port = await freePort();
  const service = track(
    startService('api', {
      ...servicesEnv,
      // It holds no keys; it knows which providers the workers have.
      LLM_PROVIDERS: 'openai',
      AWS_ENDPOINT_URL_SQS: sqs.url,
      PORT: String(port),
      HOST: '127.0.0.1',
    }),
  );
  await service.waitForLog((line) => line.msg === 'api service started');
  return { url: `http://127.0.0.1:${port}`, service };
}

const fresh = (text = 'What is photosynthesis?') => `${text} (${randomUUID().slice(0, 8)})`;
const sends = () => sqs.actions.filter((action) => action === 'SendMessage').length;

async function ask(
  api: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; cacheStatus: string | null; job: Job }> {
  const response = await fetch(`${api}/api/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'wait=20', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    cacheStatus: response.headers.get('cache-status'),
    job: (await response.json()) as Job,
  };
}

describe('on the AWS path', () => {
  it('a second identical first question, on the other api process, is a hit: no provider request, no SQS call', async () => {
    const question = fresh();
    const first = await ask(apis[0]!, { question, subject: 'biology' });
    expect(first.status).toBe(200);
    expect(first.cacheStatus).toBe('iscoolgpt; fwd=miss');
    expect(fake.requests).toHaveLength(1);
    const sendsBefore = sends();

    const second = await ask(apis[1]!, { question: question.toUpperCase(), subject: 'Biology' });

    expect(second.cacheStatus).toBe('iscoolgpt; hit');
    expect(second.job).toMatchObject({
      status: 'completed',
      answer: ANSWER,
      cached: true,
      attempts: 0,
      usage: { inputTokens: 0, outputTokens: 0 },
      cachedUsage: first.job.usage,
    });
    expect(second.job.id).not.toBe(first.job.id);
    expect(fake.requests).toHaveLength(1);
    expect(sends()).toBe(sendsBefore);
  });

  it('a hit streams `job`, `delta`, `done`', async () => {
    const question = fresh();
    await ask(apis[0]!, { question });

    const stream = await openEventStream(`${apis[1]}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    });
    await stream.ended;

    expect(stream.response.headers.get('cache-status')).toBe('iscoolgpt; hit');
    const kinds = stream.events.map((event) => event.event);
    expect(kinds[0]).toBe('job');
    expect(kinds.at(-1)).toBe('done');
    expect(kinds.filter((kind) => kind === 'delta').length).toBeGreaterThan(0);
    expect(streamedText(stream.events)).toBe(ANSWER);
    expect(eventData<Job>(stream.events.at(-1)!).cached).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('a number, the subject, level, language or model makes a miss; follow-ups and tutor asks are never hits', async () => {
    const stem = fresh('Solve 3x - 1 =');
    const original = { question: `${stem} 5`, subject: 'maths', level: 'school', language: 'en' };
    const first = await ask(apis[0]!, original);
    const asks = [
      { ...original, question: `${stem} 6` },
      { ...original, subject: 'physics' },
      { ...original, level: 'university' },
      { ...original, language: 'es' },
      { ...original, model: 'gpt-4o' },
      { ...original, conversationId: first.job.conversationId },
      { ...original, mode: 'tutor' },
      { ...original, mode: 'tutor' },
    ];

    const statuses = [];
    for (const body of asks) statuses.push((await ask(apis[1]!, body)).cacheStatus);

    expect(statuses).toEqual([
      ...Array(5).fill('iscoolgpt; fwd=miss'),
      ...Array(3).fill('iscoolgpt; fwd=bypass'),
    ]);
    expect(fake.requests).toHaveLength(1 + asks.length);
  });

  it('Cache-Control: no-cache asks the model and replaces the entry; a down rating evicts it', async () => {
    const question = fresh();
    await ask(apis[0]!, { question });
    fake.reply(openaiWire.completion('A fresher answer.'));

    const refreshed = await ask(apis[1]!, { question }, { 'cache-control': 'no-cache' });
    const hit = await ask(apis[0]!, { question });

    expect(refreshed.cacheStatus).toBe('iscoolgpt; fwd=request');
    expect(hit.cacheStatus).toBe('iscoolgpt; hit');
    expect(hit.job.answer).toBe('A fresher answer.');
    expect(fake.requests).toHaveLength(2);

    const rated = await fetch(`${apis[1]}/api/v1/jobs/${hit.job.id}/feedback`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rating: 'down' }),
    });
    expect(rated.status).toBe(200);
    const after = await ask(apis[0]!, { question });

    expect(after.cacheStatus).toBe('iscoolgpt; fwd=miss');
    expect(after.job.cached).toBe(false);
    expect(fake.requests).toHaveLength(3);
  });

  it('five identical first asks at once, on two api processes, make one provider request', async () => {
    const question = fresh();
    fake.otherwise({ ...openaiWire.completion(ANSWER, { usage: USAGE }), delayMs: 1500 });

    const asked = await Promise.all(
      Array.from({ length: 5 }, (_, index) => ask(apis[index % 2]!, { question })),
    );

    expect(fake.requests).toHaveLength(1);
    expect(new Set(asked.map((one) => one.job.id)).size).toBe(5);
    for (const one of asked) {
      expect(one.status).toBe(200);
      expect(one.job).toMatchObject({ status: 'completed', answer: ANSWER });
    }
    expect(asked.filter((one) => one.job.cached)).toHaveLength(4);
  });

  it('a hit survives an api restart', async () => {
    const question = fresh();
    await ask(apis[0]!, { question });
    for (const service of running.filter((one) => one.child.exitCode === null)) {
      if (service.logs.some((line) => line.msg === 'api service started')) service.kill('SIGTERM');
    }
    const restarted = await startApi();
    apis.splice(0, apis.length, restarted.url, restarted.url);

    const again = await ask(restarted.url, { question });

    expect(again.cacheStatus).toBe('iscoolgpt; hit');
    expect(fake.requests).toHaveLength(1);
  });

  it('with Redis hung (it takes connections and answers nothing), asks are answered by the model', async () => {
    const question = fresh();
    await ask(apis[0]!, { question });
    redis.pause();
    try {
      const asked = await ask(apis[0]!, { question });

      expect(asked.status).toBe(200);
      expect(asked.job).toMatchObject({ status: 'completed', cached: false, answer: ANSWER });
      expect(asked.cacheStatus).toBe('iscoolgpt; fwd=miss; detail=unavailable');
      expect(fake.requests).toHaveLength(2);
    } finally {
      redis.resume();
    }
  });

  it('with Redis stopped, asks are answered by the model', async () => {
    const question = fresh();
    await ask(apis[0]!, { question });
    await redis.stop();
    try {
      const asked = await ask(apis[0]!, { question });

      expect(asked.status).toBe(200);
      expect(asked.job).toMatchObject({ status: 'completed', cached: false, answer: ANSWER });
      expect(asked.cacheStatus).toBe('iscoolgpt; fwd=miss; detail=unavailable');
      expect(fake.requests).toHaveLength(2);
    } finally {
      await redis.restart();
    }
  });
});
