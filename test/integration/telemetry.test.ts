/**
 * Metrics and traces of the two production processes (`start:api`, `start:worker`) as real
 * processes against local AWS (moto or LocalStack), a Redis server and a fake OpenAI server: the
 * worker's METRICS_PORT listener and the api's /metrics hold what happened.
 */
import type { Job } from '@iscoolgpt/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../shared/test/support/fake-llm.js';
import { readScrape } from '../../shared/test/support/prometheus.js';
import { createAwsSuite, type AwsSuite } from '../support/aws-suite.js';
import { freePort } from '../support/host.js';
import { startRedisServer, type RedisServer } from '../support/local-redis.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

let suite: AwsSuite;
let redis: RedisServer;
let fake: FakeLlmServer;
let api: ServiceProcess;
let worker: ServiceProcess;
let apiUrl: string;
let workerMetricsUrl: string;

beforeAll(async () => {
  suite = await createAwsSuite({ visibilityTimeoutSeconds: 5 });
  redis = await startRedisServer();
  fake = await FakeLlmServer.start();
  const env = { ...suite.env, REDIS_URL: `redis://127.0.0.1:${redis.port}`, LOG_LEVEL: 'info' };
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  apiUrl = `http://127.0.0.1:${apiPort}`;
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  api = startService('api', { ...env, PORT: String(apiPort), HOST: '127.0.0.1' });
  worker = startService('worker', {
    ...env,
    HOST: '127.0.0.1',
    METRICS_PORT: String(metricsPort),
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    LLM_MAX_ATTEMPTS: '1',
  });
  await Promise.all([
    api.waitForLog((line) => line.msg === 'api service started'),
    worker.waitForLog((line) => line.msg === 'worker started'),
    worker.waitForLog((line) => line.msg === 'metrics served'),
  ]);
});

afterAll(async () => {
  for (const service of [api, worker]) service?.kill('SIGTERM');
  await Promise.all([api?.exited, worker?.exited]);
  await redis?.stop();
  await fake?.close();
  await suite?.cleanup();
});

async function ask(question: string): Promise<Response> {
  return fetch(`${apiUrl}/api/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'wait=20' },
    body: JSON.stringify({ question }),
  });
}

async function scrape(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return readScrape(await response.text());
}

describe('metrics of the two processes', () => {
  it('the worker serves on METRICS_PORT the jobs it settled, their tokens and times', async () => {
    const before = await scrape(workerMetricsUrl);
    fake
      .reply(
        openaiWire.completion('One.', { usage: { prompt_tokens: 20, completion_tokens: 3 } }),
        openaiWire.completion('Two.', { usage: { prompt_tokens: 21, completion_tokens: 4 } }),
      )
      .otherwise(openaiWire.error(401, { message: 'Bad key', type: 'invalid_request_error' }));

    const statuses = [];
    for (const question of ['First?', 'Second?', 'Third?'])
      statuses.push((await ask(question)).status);

    expect(statuses).toEqual([200, 200, 502]);
    // The worker settles, then the api answers: by now the worker counted all three.
    const after = await scrape(workerMetricsUrl);
    const delta = (name: string, labels?: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    expect(delta('iscoolgpt_jobs_total', { status: 'completed', provider: 'openai' })).toBe(2);
    expect(delta('iscoolgpt_jobs_total', { status: 'failed', provider: 'openai' })).toBe(1);
    expect(delta('iscoolgpt_tokens_total', { direction: 'input' })).toBe(41);
    expect(delta('iscoolgpt_tokens_total', { direction: 'output' })).toBe(7);
    expect(
      after.histogram('iscoolgpt_time_to_first_delta_seconds').count -
        before.histogram('iscoolgpt_time_to_first_delta_seconds').count,
    ).toBe(2);
    expect(after.names).toContain('process_resident_memory_bytes');
  });

  it('the api serves its own /metrics: the jobs it settled itself (a cancel), its open streams', async () => {
    fake.otherwise({ ...openaiWire.completion('Slow.'), delayMs: 3000 });
    const before = await scrape(`${apiUrl}/metrics`);
    const created = (await (
      await fetch(`${apiUrl}/api/v1/ask`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'respond-async' },
        body: JSON.stringify({ question: 'Cancel me?' }),
      })
    ).json()) as Job;

    const cancelled = await fetch(`${apiUrl}/api/v1/jobs/${created.id}/cancel`, { method: 'POST' });

    expect(((await cancelled.json()) as Job).status).toBe('cancelled');
    const after = await scrape(`${apiUrl}/metrics`);
    expect(
      after.value('iscoolgpt_jobs_total', { status: 'cancelled' }) -
        before.value('iscoolgpt_jobs_total', { status: 'cancelled' }),
    ).toBe(1);
    expect(after.value('iscoolgpt_open_streams')).toBe(0);
  });

  it('the worker’s listener answers nothing but /metrics', async () => {
    const response = await fetch(workerMetricsUrl.replace('/metrics', '/jobs'));
    expect(response.status).toBe(404);
  });
});
