/**
 * Fair use on embedded mode, through HTTP, against a fake OpenAI server: the model allowlist, the
 * output cap every call carries, what each answer cost, and what a cancelled answer used.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '@iscoolgpt/shared';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../../shared/test/support/fake-llm.js';
import { build } from './support/build.js';

const upstream = await FakeLlmServer.start();
afterAll(() => upstream.close());
beforeEach(() => {
  upstream.reset();
});

const { app } = await build({
  OPENAI_API_KEY: 'sk-test-fair-use',
  OPENAI_BASE_URL: `${upstream.url}/v1`,
  LLM_MAX_ATTEMPTS: '1',
  LLM_MODELS: 'gpt-4o-mini,gpt-4.1-nano',
  LLM_MAX_OUTPUT_TOKENS: '321',
});

const ask = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/ask', headers, payload: body });
const getJob = async (id: string) =>
  (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json<Job>();

describe('models and output', () => {
  it('refuses a model off the allowlist with 422 model_not_allowed and the allowed models, calling nothing', async () => {
    const response = await ask({ question: 'What is a lever?', model: 'o1-pro' });

    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 422,
      code: 'model_not_allowed',
      models: ['gpt-4o-mini', 'gpt-4.1-nano'],
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it('asks an allowed model with the output cap (LLM_MAX_OUTPUT_TOKENS) in the request', async () => {
    upstream.reply(openaiWire.completion('A lever multiplies force.', { model: 'gpt-4.1-nano' }));

    const response = await ask({ question: 'What is a lever?', model: 'gpt-4.1-nano' });

    expect(response.statusCode).toBe(200);
    expect(upstream.requests[0]?.body).toMatchObject({
      model: 'gpt-4.1-nano',
      max_completion_tokens: 321,
    });
  });
});

describe('what an answer cost', () => {
  it("carries usage.costUsd from the provider's usage chunk, priced by the model that answered", async () => {
    upstream.reply(
      openaiWire.completion('Light bends in water.', {
        usage: { prompt_tokens: 2000, completion_tokens: 1000 },
      }),
    );

    const response = await ask({ question: 'Why does a straw look bent in water?' });

    expect(response.statusCode).toBe(200);
    // gpt-4o-mini-2024-07-18 at gpt-4o-mini's $0.15 / $0.60 per million tokens.
    expect(response.json<Job>().usage).toEqual({
      inputTokens: 2000,
      outputTokens: 1000,
      costUsd: 0.0009,
    });
  });

  it('a job cancelled mid-stream still counts its call and what it streamed', async () => {
    const pieces = ['Photosynthesis ', 'happens ', 'in ', 'the ', 'chloroplasts ', 'of ', 'cells.'];
    upstream.reply({
      ...openaiWire.completion(pieces.join('')),
      stream: { pieces, intervalMs: 150 },
    });
    const pending = (
      await ask(
        { question: 'Where does photosynthesis happen?' },
        {
          prefer: 'respond-async',
        },
      )
    ).json<Job>();
    // Wait for text to stream, then cancel.
    await until(() => (upstream.requests[0]?.chunksSentAt.length ?? 0) >= 3);

    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/v1/jobs/${pending.id}/cancel`,
    });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });

    const job = await until(async () => {
      const current = await getJob(pending.id);
      return current.usage ? current : undefined;
    });
    expect(job).toMatchObject({ status: 'cancelled', attempts: 1, provider: 'openai' });
    expect(job.usage!.inputTokens).toBeGreaterThan(0);
    expect(job.usage!.outputTokens).toBeGreaterThan(0);
    expect(job.usage!.costUsd).toBeGreaterThan(0);
    // The provider call was stopped, not left to run.
    await until(() => upstream.requests[0]?.abortedAt !== undefined);
  });
});

/** Polls until `check` gives a truthy value (at most 10 s). */
async function until<T>(check: () => T | Promise<T>): Promise<NonNullable<T>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await sleep(20);
  }
}
