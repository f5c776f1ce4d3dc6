/**
 * Fair use on the AWS path: `start:api` and `start:worker` as real processes over local AWS (moto
 * or LocalStack) and the run's Redis, the worker answering from a fake OpenAI server. The model
 * allowlist, the output cap reaching the provider's request, what each answer cost, and what a
 * cancelled answer used.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '@iscoolgpt/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../shared/test/support/fake-llm.js';
import { createAwsSuite, type AwsSuite } from '../support/aws-suite.js';
import { freePort } from '../support/host.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

let suite: AwsSuite;
let fake: FakeLlmServer;
let apiUrl: string;
const running: ServiceProcess[] = [];

/** What both services are told: the allowlist and the cap are decided by configuration. */
const FAIR_USE_ENV = {
  LLM_PROVIDERS: 'openai',
  LLM_MODELS: 'gpt-4o-mini,gpt-4.1-nano',
  LLM_MAX_OUTPUT_TOKENS: '321',
};

beforeAll(async () => {
  suite = await createAwsSuite({ visibilityTimeoutSeconds: 5 });
  fake = await FakeLlmServer.start();
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  const api = startService('api', {
    ...suite.env,
    ...FAIR_USE_ENV,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  });
  const worker = startService('worker', {
    ...suite.env,
    ...FAIR_USE_ENV,
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    LLM_MAX_ATTEMPTS: '1',
    LOG_LEVEL: 'info',
  });
  running.push(api, worker);
  await Promise.all([
    api.waitForLog((line) => line.msg === 'api service started'),
    worker.waitForLog((line) => line.msg === 'worker started'),
  ]);
});

afterEach(() => {
  fake.reset();
});

afterAll(async () => {
  for (const service of running) service.kill('SIGKILL');
  await fake?.close();
  await suite?.cleanup();
});

function ask(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${apiUrl}/api/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'wait=20', ...headers },
    body: JSON.stringify(body),
  });
}

async function getJob(id: string): Promise<Job> {
  return (await (await fetch(`${apiUrl}/api/v1/jobs/${id}`)).json()) as Job;
}

describe('models and output on the AWS path', () => {
  it('refuses a model off the allowlist with 422 and the allowed models; the document lists them', async () => {
    const response = await ask({ question: 'What is a lever?', model: 'o1-pro' });

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      code: 'model_not_allowed',
      models: ['gpt-4o-mini', 'gpt-4.1-nano'],
    });
    const document = (await (await fetch(`${apiUrl}/docs/json`)).json()) as {
      paths: Record<
        string,
        {
          post: {
            requestBody: {
              content: Record<
                string,
                { schema: { properties: Record<string, { enum?: string[] }> } }
              >;
            };
          };
        }
      >;
    };
    const body = document.paths['/api/v1/ask']!.post.requestBody.content['application/json']!;
    expect(body.schema.properties.model?.enum).toEqual(['gpt-4o-mini', 'gpt-4.1-nano']);
    expect(fake.requests).toHaveLength(0);
  });

  it("sends the worker's call with the output cap, and prices the provider's usage chunk", async () => {
    fake.reply(
      openaiWire.completion('A lever multiplies force.', {
        model: 'gpt-4.1-nano',
        usage: { prompt_tokens: 4000, completion_tokens: 1000 },
      }),
    );

    const response = await ask({
      question: 'What is a lever?',
      model: 'gpt-4.1-nano',
    });

    expect(response.status).toBe(200);
    expect(fake.requests[0]?.body).toMatchObject({
      model: 'gpt-4.1-nano',
      max_completion_tokens: 321,
    });
    // gpt-4.1-nano has no built-in price: the tokens are known, the cost is not.
    expect(((await response.json()) as Job).usage).toEqual({
      inputTokens: 4000,
      outputTokens: 1000,
      costUsd: null,
    });
  });

  it('carries costUsd for the default model from its usage chunk', async () => {
    fake.reply(
      openaiWire.completion('Light bends in water.', {
        usage: { prompt_tokens: 2000, completion_tokens: 1000 },
      }),
    );

    const response = await ask({ question: 'Why does a straw look bent in water?' });

    expect(response.status).toBe(200);
    expect(((await response.json()) as Job).usage).toEqual({
      inputTokens: 2000,
      outputTokens: 1000,
      costUsd: 0.0009,
    });
  });

  it('a job cancelled mid-stream keeps a non-zero attempts and usage', async () => {
    const pieces = ['Photosynthesis ', 'happens ', 'in ', 'the ', 'chloroplasts ', 'of ', 'cells.'];
    fake.reply({ ...openaiWire.completion(pieces.join('')), stream: { pieces, intervalMs: 300 } });
    const pending = (await (
      await ask({ question: 'Where does photosynthesis happen?' }, { prefer: 'respond-async' })
    ).json()) as Job;
    await until(() => (fake.requests[0]?.chunksSentAt.length ?? 0) >= 3, 15_000);

    const cancel = await fetch(`${apiUrl}/api/v1/jobs/${pending.id}/cancel`, { method: 'POST' });
    expect(((await cancel.json()) as Job).status).toBe('cancelled');

    const job = await until(async () => {
      const current = await getJob(pending.id);
      return current.usage ? current : undefined;
    }, 15_000);
    expect(job).toMatchObject({ status: 'cancelled', attempts: 1, provider: 'openai' });
    expect(job.usage!.outputTokens).toBeGreaterThan(0);
    expect(job.usage!.inputTokens).toBeGreaterThan(0);
    expect(job.usage!.costUsd).toBeGreaterThan(0);
  });
});

async function until<T>(check: () => T | Promise<T>, timeoutMs: number): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}
