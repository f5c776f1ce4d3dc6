/**
 * Real LLM providers end to end: the embedded runtime and app, built from an environment as
 * `npm start` builds them, answering through the real SDKs against local servers that speak the
 * providers' wire formats.
 */
import { buildAnswerer, buildEmbeddedRuntime, loadConfig, type JobRecord } from '@iscoolgpt/shared';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deadUrl,
  hfWire,
  openaiWire,
  useFakeLlmServer,
} from '../../../shared/test/support/fake-llm.js';
import { captureLogs } from '../../../shared/test/support/logs.js';
import { buildApp } from '../src/app.js';
import { createIdentity } from '../src/auth/identity.js';
import { QUOTAS_OFF } from '../../../shared/test/support/quotas.js';

const OPENAI_KEY = 'sk-test-e2e-5f8d2c41a9b7e6035';
const HF_TOKEN = 'hf_teste2e7c3a9d0b1f5e2468ac';
/** Production backoff starts at 500 ms; these tests only need the order of events. */
const FAST_BACKOFF = { minDelayMs: 1, maxDelayMs: 5 };

const openaiUpstream = useFakeLlmServer();
const hfUpstream = useFakeLlmServer();

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function embedded(env: Record<string, string>) {
  // The providers' path: the answer cache and quotas are off, so every ask reaches them.
  const config = loadConfig({ LOG_LEVEL: 'debug', ANSWER_CACHE: 'off', ...QUOTAS_OFF, ...env });
  const logs = captureLogs('debug');
  const runtime = buildEmbeddedRuntime(
    config,
    logs.logger,
    buildAnswerer(config, logs.logger, FAST_BACKOFF),
  );
  const app = await buildApp({
    jobs: runtime.jobs,
    conversations: runtime.conversations,
    config,
    logger: logs.logger,
    identity: createIdentity(config, { mode: 'embedded', rateLimiter: runtime.rateLimiter }),
  });
  runtime.start();
  closers.push(async () => {
    await app.close();
    await runtime.stop();
  });
  const ask = (body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
  const job = (id: string) => app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` });
  const record = async (id: string) => (await runtime.store.get(id)) as JobRecord;
  return { ask, job, record, logs };
}

const openaiOnly = () => ({
  OPENAI_API_KEY: OPENAI_KEY,
  OPENAI_BASE_URL: `${openaiUpstream.url}/v1`,
});
const both = () => ({ ...openaiOnly(), HF_TOKEN, HF_ENDPOINT_URL: hfUpstream.url });
const rateLimited = openaiWire.error(
  429,
  { message: 'Rate limit reached for gpt-4o-mini', type: 'requests', code: 'rate_limit_exceeded' },
  { 'retry-after-ms': '10' },
);

describe('asking through real providers (embedded mode)', () => {
  it('answers after OpenAI rate-limits twice: 200, provider openai, 3 upstream requests', async () => {
    openaiUpstream.reply(
      rateLimited,
      rateLimited,
      openaiWire.completion('Derivatives measure how fast a function changes. Step 1: …', {
        usage: { prompt_tokens: 95, completion_tokens: 240 },
      }),
    );
    const { ask, record, logs } = await embedded(openaiOnly());

    const response = await ask({ question: 'What is a derivative?', level: 'high school' });

    expect(response.statusCode).toBe(200);
    const job = response.json();
    expect(job).toMatchObject({
      status: 'completed',
      answer: 'Derivatives measure how fast a function changes. Step 1: …',
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      attempts: 3,
      usage: { inputTokens: 95, outputTokens: 240 },
      error: null,
    });
    expect(openaiUpstream.requests).toHaveLength(3);
    for (const sent of openaiUpstream.requests) {
      expect(sent.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    }
    expect(logs.text()).not.toContain(OPENAI_KEY);
    expect(JSON.stringify(await record(job.id))).not.toContain(OPENAI_KEY);
    // Each retry is logged, with the job it belongs to.
    const retries = logs.entries().filter((line) => line.msg === 'provider call failed');
    expect(retries).toEqual([
      expect.objectContaining({
        jobId: job.id,
        provider: 'openai',
        attempt: 1,
        code: 'provider_rate_limited',
      }),
      expect.objectContaining({
        jobId: job.id,
        provider: 'openai',
        attempt: 2,
        code: 'provider_rate_limited',
      }),
    ]);
  });

  it('answers {"provider":"huggingface"} from the configured Hugging Face endpoint', async () => {
    hfUpstream.reply(
      hfWire.completion('A fotossíntese transforma luz em energia química.', {
        usage: { prompt_tokens: 70, completion_tokens: 120 },
      }),
    );
    const { ask, logs } = await embedded(both());

    const response = await ask({
      question: 'O que é fotossíntese?',
      language: 'pt-BR',
      provider: 'huggingface',
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      answer: 'A fotossíntese transforma luz em energia química.',
      provider: 'huggingface',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      attempts: 1,
      usage: { inputTokens: 70, outputTokens: 120 },
    });
    expect(hfUpstream.requests).toHaveLength(1);
    expect(hfUpstream.requests[0]?.headers.authorization).toBe(`Bearer ${HF_TOKEN}`);
    expect(openaiUpstream.requests).toHaveLength(0);
    expect(logs.text()).not.toContain(HF_TOKEN);
  });

  it('falls back to Hugging Face when OpenAI answers 500 every time', async () => {
    openaiUpstream.otherwise(
      openaiWire.error(500, { message: 'The server had an error', type: 'server_error' }),
    );
    hfUpstream.reply(hfWire.completion('Entropy measures how many ways a state can happen.'));
    const { ask } = await embedded({ ...both(), LLM_PROVIDERS: 'openai,huggingface' });

    const response = await ask({ question: 'What is entropy?' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      answer: 'Entropy measures how many ways a state can happen.',
      provider: 'huggingface',
      attempts: 4,
    });
    expect(openaiUpstream.requests).toHaveLength(3);
  });

  it('ends 502 problem+json with a code when the only provider is dead; the job reads failed', async () => {
    const { ask, job } = await embedded({
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: `${await deadUrl()}/v1`,
    });

    const response = await ask({ question: 'Is anyone there?' });

    expect(response.statusCode).toBe(502);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status: 502, code: 'provider_unavailable' });
    const stored = await job(problem.jobId);
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({
      status: 'failed',
      answer: null,
      attempts: 3,
      error: { code: 'provider_unavailable', message: 'OpenAI could not be reached' },
    });
  });

  it('does not retry a rejected key, and keeps the key out of the job and the logs', async () => {
    openaiUpstream.otherwise(
      openaiWire.error(401, {
        message: `Incorrect API key provided: ${OPENAI_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      }),
    );
    const { ask, job, record, logs } = await embedded(openaiOnly());

    const response = await ask({ question: 'Hello?' });

    expect(response.statusCode).toBe(502);
    const problem = response.json();
    expect(problem.code).toBe('provider_auth');
    expect(openaiUpstream.requests).toHaveLength(1);
    const failed = (await job(problem.jobId)).json();
    expect(failed).toMatchObject({ attempts: 1, error: { code: 'provider_auth' } });
    expect(JSON.stringify(problem)).not.toContain(OPENAI_KEY);
    expect(JSON.stringify(await record(problem.jobId))).not.toContain(OPENAI_KEY);
    expect(logs.text()).not.toContain(OPENAI_KEY);
  });

  it.each([
    {
      what: 'a 400',
      upstream: openaiWire.error(400, {
        message: "Invalid value for 'messages'",
        type: 'invalid_request_error',
      }),
      code: 'provider_bad_request',
    },
    {
      what: 'an exhausted quota',
      upstream: openaiWire.error(429, {
        message: 'You exceeded your current quota',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      }),
      code: 'provider_rate_limited',
    },
    {
      what: 'a content-filter stop',
      upstream: openaiWire.completion('', { content: null, finishReason: 'content_filter' }),
      code: 'content_filtered',
    },
    {
      what: 'a malformed body',
      upstream: { status: 200, body: '<html><body>502 Bad Gateway</body></html>' },
      code: 'provider_bad_response',
    },
    {
      what: 'no answer within LLM_TIMEOUT_SECONDS',
      upstream: { ...openaiWire.completion('too late'), delayMs: 3_000 },
      code: 'provider_timeout',
    },
  ])('turns $what into a failed job with code $code', async ({ upstream, code }) => {
    openaiUpstream.otherwise(upstream);
    const { ask, job } = await embedded({ ...openaiOnly(), LLM_TIMEOUT_SECONDS: '0.2' });

    const response = await ask({ question: 'Why?' });

    expect(response.statusCode).toBe(502);
    const problem = response.json();
    expect(problem.code).toBe(code);
    expect((await job(problem.jobId)).json()).toMatchObject({
      status: 'failed',
      error: { code },
    });
  });

  it('refuses a request that names a provider this server has no key for with 422, listing what it has', async () => {
    const { ask } = await embedded(openaiOnly());

    const response = await ask({ question: 'Hi', provider: 'huggingface' });

    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'provider_not_configured',
      providers: ['openai'],
    });
    expect(openaiUpstream.requests).toHaveLength(0);
  });
});
