/**
 * `GET /metrics` in embedded mode, through real HTTP: after a few asks answered by a fake OpenAI
 * server (one of them refused for its key, one streamed), the Prometheus text holds the series
 * with the values of what happened.
 */
import type { AddressInfo } from 'node:net';
import type { Job } from '@iscoolgpt/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../../../shared/test/support/fake-llm.js';
import { readScrape } from '../../../../shared/test/support/prometheus.js';
import { openEventStream } from '../../../../shared/test/support/sse.js';
import { build } from '../support/build.js';

const upstream = await FakeLlmServer.start();
afterAll(() => upstream.close());
const { app } = await build({
  OPENAI_API_KEY: 'sk-test-metrics-0123456789',
  OPENAI_BASE_URL: `${upstream.url}/v1`,
  LLM_MAX_ATTEMPTS: '1',
});
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

const ask = (question: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ question }),
  });

async function scrape() {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return readScrape(await response.text());
}

describe('GET /metrics (embedded mode)', () => {
  it('serves the process defaults and every iscoolgpt series before any ask', async () => {
    const metrics = await scrape();

    expect(metrics.names).toEqual(
      expect.arrayContaining([
        'process_cpu_user_seconds_total',
        'nodejs_eventloop_lag_seconds',
        'iscoolgpt_jobs_total',
        'iscoolgpt_job_duration_seconds',
        'iscoolgpt_time_to_first_delta_seconds',
        'iscoolgpt_tokens_total',
        'iscoolgpt_cost_usd_total',
        'iscoolgpt_quota_denied_total',
        'iscoolgpt_open_streams',
      ]),
    );
    expect(metrics.type('iscoolgpt_job_duration_seconds')).toBe('histogram');
    expect(metrics.type('iscoolgpt_open_streams')).toBe('gauge');
    expect(metrics.value('iscoolgpt_tokens_total', { direction: 'input' })).toBe(0);
  });

  it('counts the jobs, tokens and times of the asks that happened', async () => {
    const before = await scrape();
    upstream
      .reply(
        openaiWire.completion('Two.', { usage: { prompt_tokens: 30, completion_tokens: 5 } }),
        openaiWire.completion('Four.', { usage: { prompt_tokens: 31, completion_tokens: 7 } }),
        openaiWire.error(401, { message: 'Incorrect API key', type: 'invalid_request_error' }),
      )
      .otherwise({
        ...openaiWire.completion('Six, streamed.', {
          usage: { prompt_tokens: 33, completion_tokens: 9 },
        }),
        stream: { pieces: ['Six, ', 'streamed.'], intervalMs: 150 },
      });

    const answered = [await ask('1 + 1?'), await ask('2 + 2?')];
    const jobs = (await Promise.all(answered.map((response) => response.json()))) as Job[];
    expect(jobs.map((job) => job.status)).toEqual(['completed', 'completed']);
    expect((await ask('3 + 3?')).status).toBe(502);
    const stream = await openEventStream(`${base}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: '3 + 3, streamed?' }),
    });
    await stream.waitFor((event) => event.event === 'delta');
    const during = await scrape();
    await stream.ended;
    const after = await scrape();

    const delta = (name: string, labels?: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    expect(during.value('iscoolgpt_open_streams')).toBe(1);
    expect(after.value('iscoolgpt_open_streams')).toBe(0);
    expect(
      delta('iscoolgpt_jobs_total', { status: 'completed', provider: 'openai', mode: 'explain' }),
    ).toBe(3);
    expect(delta('iscoolgpt_jobs_total', { status: 'failed', provider: 'openai' })).toBe(1);
    expect(delta('iscoolgpt_tokens_total', { direction: 'input' })).toBe(30 + 31 + 33);
    expect(delta('iscoolgpt_tokens_total', { direction: 'output' })).toBe(5 + 7 + 9);
    const durations = after.histogram('iscoolgpt_job_duration_seconds');
    expect(durations.count - before.histogram('iscoolgpt_job_duration_seconds').count).toBe(4);
    const firstDeltas = after.histogram('iscoolgpt_time_to_first_delta_seconds');
    expect(
      firstDeltas.count - before.histogram('iscoolgpt_time_to_first_delta_seconds').count,
    ).toBe(3);
    expect(firstDeltas.sum).toBeGreaterThan(0);
  });

  it('is not part of the public API: absent from the OpenAPI document', async () => {
    const document = (await (await fetch(`${base}/docs/json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).not.toContain('/metrics');
  });
});
