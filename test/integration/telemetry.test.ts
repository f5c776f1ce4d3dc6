/**
 * Metrics and traces of the two production processes (`start:api`, `start:worker`) as real
 * processes against local AWS (moto or LocalStack), a Redis server and a fake OpenAI server: the
 * worker's METRICS_PORT listener and the api's /metrics hold what happened, and both processes
 * export their spans over OTLP (http/json) to a receiver in this test.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Job } from '@iscoolgpt/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OtlpReceiver, type ReceivedSpan } from '../../shared/test/support/otlp-receiver.js';
import { FakeLlmServer, openaiWire } from '../../shared/test/support/fake-llm.js';
import { readScrape } from '../../shared/test/support/prometheus.js';
import { createAwsSuite, type AwsSuite } from '../support/aws-suite.js';
import { freePort } from '../support/host.js';
import { startRedisServer, type RedisServer } from '../support/local-redis.js';
import { startService, type LogLine, type ServiceProcess } from '../support/service-process.js';

let suite: AwsSuite;
let redis: RedisServer;
let fake: FakeLlmServer;
let api: ServiceProcess;
let worker: ServiceProcess;
let apiUrl: string;
let workerMetricsUrl: string;
let otlp: OtlpReceiver;

beforeAll(async () => {
  suite = await createAwsSuite({ visibilityTimeoutSeconds: 5 });
  redis = await startRedisServer();
  fake = await FakeLlmServer.start();
  otlp = await OtlpReceiver.start();
  const env = {
    ...suite.env,
    REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // The SDK's own batching setting: export within a fifth of a second, not five.
    OTEL_BSP_SCHEDULE_DELAY: '200',
    CLOUDWATCH_METRICS_NAMESPACE: 'IsCoolGPT/test',
    // The allowlist, for the api too (it has no provider key to take a default model from).
    LLM_MODELS: 'gpt-4o-mini',
  };
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  apiUrl = `http://127.0.0.1:${apiPort}`;
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  api = startService('api', {
    ...env,
    // It holds no keys; it knows which providers the worker has (and so the models an ask may name).
    LLM_PROVIDERS: 'openai',
    PORT: String(apiPort),
    HOST: '127.0.0.1',
  });
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
  await otlp?.close();
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

describe('traces of one ask across the two processes', () => {
  it('are one trace from the incoming traceparent to the provider’s HTTP call, with GenAI attributes and no student text', async () => {
    const secret = randomUUID();
    const question = `Why is the sky blue, ${secret}?`;
    const answer = `Rayleigh scattering, ${randomUUID()}.`;
    fake.otherwise(
      openaiWire.completion(answer, { usage: { prompt_tokens: 25, completion_tokens: 6 } }),
    );
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');

    const response = await fetch(`${apiUrl}/api/v1/ask`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        prefer: 'wait=20',
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
      body: JSON.stringify({ question, model: 'gpt-4o-mini' }),
    });
    const job = (await response.json()) as Job;
    expect(job.status).toBe('completed');

    // The spans this test reads. Each process exports in batches, a span when it ends (a request
    // span after its children), so all of them are waited for, not the first to arrive.
    const expected = {
      'api request': (span: ReceivedSpan) => span.service === 'iscoolgpt-api' && span.kind === 2,
      'SQS send': (span: ReceivedSpan) => span.kind === 4,
      'SQS process': (span: ReceivedSpan) => span.kind === 5,
      'job span': (span: ReceivedSpan) => span.name === 'process job',
      'GenAI span': (span: ReceivedSpan) => span.name === 'chat gpt-4o-mini',
      'provider HTTP call': (span: ReceivedSpan) =>
        String(span.attributes['url.full']).startsWith(`${fake.url}/v1/chat/completions`),
    };
    const spans = await vi.waitFor(
      () => {
        const inTrace = otlp.spans.filter((span) => span.traceId === traceId);
        for (const [what, match] of Object.entries(expected)) {
          expect(inTrace.some(match), what).toBe(true);
        }
        return inTrace;
      },
      { timeout: 15_000, interval: 200 },
    );
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const parent = (span: ReceivedSpan) => byId.get(span.parentSpanId ?? '');
    const one = (what: keyof typeof expected) => {
      const found = spans.filter(expected[what]);
      expect(found, what).toHaveLength(1);
      return found[0]!;
    };

    // The api's request span continues the caller's trace and says which job it made.
    const request = one('api request');
    expect(request.parentSpanId).toBe(callerSpanId);
    expect(request.attributes).toMatchObject({
      'iscoolgpt.job.id': job.id,
      'iscoolgpt.mode': 'explain',
    });
    // The message to the worker is sent under it, and processed under the send.
    const send = one('SQS send');
    expect(send.service).toBe('iscoolgpt-api');
    const received = one('SQS process');
    expect(received.service).toBe('iscoolgpt-worker');
    expect(parent(received)).toBe(send);
    // The worker's job span and its GenAI call, down to the provider's HTTP request.
    const processed = one('job span');
    expect(parent(processed)).toBe(received);
    const genAi = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 25,
      'gen_ai.usage.output_tokens': 6,
    };
    expect(processed.attributes).toMatchObject({
      'iscoolgpt.job.id': job.id,
      'iscoolgpt.mode': 'explain',
      'iscoolgpt.job.outcome': 'completed',
      ...genAi,
    });
    const chat = one('GenAI span');
    expect(chat.kind).toBe(3);
    expect(parent(chat)).toBe(processed);
    expect(chat.attributes).toMatchObject(genAi);
    const providerCall = one('provider HTTP call');
    expect(parent(providerCall)).toBe(chat);
    // The fake provider saw the trace too: W3C trace context on the provider request.
    expect(fake.requests.at(-1)?.headers.traceparent).toContain(traceId);
    // No question or answer text anywhere in what was exported.
    const exported = otlp.bodies.join('\n');
    expect(exported).not.toContain(secret);
    expect(exported).not.toContain('Rayleigh');
  });

  it('start no trace for a call made outside one (the worker’s idle long polls), which X-Ray would bill as a trace each', () => {
    // By now the worker has polled many times, and received every job of this file by a poll.
    const roots = otlp.spans.filter((span) => !span.parentSpanId);
    expect(roots.length).toBeGreaterThan(0);
    const CLIENT = 3;
    expect(roots.filter((span) => span.kind === CLIENT)).toEqual([]);
  });
});

/** The sum of a metric's values over the embedded-metric-format lines whose properties match. */
function emfSum(lines: LogLine[], name: string, properties: Record<string, string> = {}): number {
  return lines
    .filter((line) => {
      const aws = line._aws as { CloudWatchMetrics: { Namespace: string }[] } | undefined;
      return (
        aws?.CloudWatchMetrics.some((set) => set.Namespace === 'IsCoolGPT/test') &&
        Object.entries(properties).every(([key, value]) => line[key] === value)
      );
    })
    .flatMap((line) => [line[name] ?? []].flat() as number[])
    .reduce((total, value) => total + value, 0);
}

// Last: it stops the worker, which writes out what CloudWatch has not received yet.
describe('CloudWatch embedded metric format (CLOUDWATCH_METRICS_NAMESPACE)', () => {
  it('the worker’s stdout carries the jobs it settled, failed ones by error code, for CloudWatch', async () => {
    worker.kill('SIGTERM');
    expect(await worker.exited).toBe(0);

    const lines = worker.logs.filter((line) => line._aws);
    // Two answered and one refused for its key (metrics), one answered (traces).
    expect(emfSum(lines, 'JobsSettled')).toBe(4);
    expect(emfSum(lines, 'JobsFailed', { ErrorCode: 'provider_auth' })).toBe(1);
    const failedByCode = lines.find((line) => line.ErrorCode === 'provider_auth')!;
    expect(failedByCode._aws).toMatchObject({
      CloudWatchMetrics: [
        {
          Namespace: 'IsCoolGPT/test',
          Dimensions: [[], ['ErrorCode']],
          Metrics: [{ Name: 'JobsFailed', Unit: 'Count' }],
        },
      ],
    });
    expect(emfSum(lines, 'InputTokens')).toBeGreaterThanOrEqual(20 + 21 + 25);
    expect(
      lines.some(
        (line) => Array.isArray(line.TimeToFirstDelta) || typeof line.TimeToFirstDelta === 'number',
      ),
    ).toBe(true);
  });
});
