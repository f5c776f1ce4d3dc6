/**
 * The post-deploy smoke test (scripts/smoke-test.ts) against the real app behind a stand-in for
 * API Gateway: a local server that, like a REST API stage, serves everything under /<stage>/,
 * answers 403 {"message":"Forbidden"} on /api/* without the usage plan's x-api-key, and passes the
 * rest through. So the deploy's last step is known to pass on a working service and to fail, saying
 * why, on a broken one.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { smokeTest } from '../../scripts/smoke-test.js';
import { build } from '../../services/api/test/support/build.js';
import { deadUrl } from '../../shared/test/support/fake-llm.js';

const STAGE = 'prod';
const API_KEY = 'smoke-test-key-7c1e';
const servers: Server[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
});

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length > 0 ? Buffer.concat(chunks) : undefined;
}

/** The embedded app (the same routes and domain as the api service) behind a fake stage. */
async function deployment(env: Record<string, string> = {}): Promise<string> {
  const { app } = await build(env);
  const upstream = await app.listen({ port: 0, host: '127.0.0.1' });
  const gateway = createServer(async (request, response) => {
    const json = (status: number, message: string) =>
      response
        .writeHead(status, { 'content-type': 'application/json' })
        .end(`{"message":"${message}"}`);
    const path = request.url ?? '/';
    if (!path.startsWith(`/${STAGE}/`)) return json(403, 'Missing Authentication Token');
    const rest = path.slice(STAGE.length + 1);
    if (rest.startsWith('/api/') && request.headers['x-api-key'] !== API_KEY) {
      return json(403, 'Forbidden');
    }
    const forwarded: Record<string, string> = {};
    for (const name of ['accept', 'content-type', 'prefer']) {
      const value = request.headers[name];
      if (typeof value === 'string') forwarded[name] = value;
    }
    const answer = await fetch(`${upstream}${rest}`, {
      method: request.method ?? 'GET',
      headers: forwarded,
      body: await readBody(request),
    });
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'location', 'retry-after']) {
      const value = answer.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    response.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
  });
  servers.push(gateway);
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  const { port } = gateway.address() as { port: number };
  return `http://127.0.0.1:${port}/${STAGE}`;
}

describe('post-deploy smoke test', () => {
  it('passes on a working deployment: /health, then one ask answered, under the stage prefix', async () => {
    const baseUrl = await deployment();

    const result = await smokeTest({ baseUrl, apiKey: API_KEY, timeoutMs: 20_000 });

    expect(result.provider).toBe('offline');
    expect(result.answerChars).toBeGreaterThan(0);
  });

  it('follows a job the api could not finish within the wait to its answer', async () => {
    const baseUrl = await deployment({ OFFLINE_PROVIDER_DELAY_MS: '1200' });

    const result = await smokeTest({
      baseUrl: `${baseUrl}/`,
      apiKey: API_KEY,
      waitSeconds: 0,
      pollIntervalMs: 200,
      timeoutMs: 20_000,
    });

    expect(result.answerChars).toBeGreaterThan(0);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(1200);
  });

  it('fails, naming the answer, when the gateway refuses the API key', async () => {
    const baseUrl = await deployment();

    await expect(smokeTest({ baseUrl, apiKey: 'not-the-key', timeoutMs: 10_000 })).rejects.toThrow(
      /POST \/api\/v1\/ask answered 403: .*Forbidden/,
    );
  });

  it('fails with the job error when the provider behind the worker is down', async () => {
    const baseUrl = await deployment({
      OPENAI_API_KEY: 'sk-smoke-test-unused',
      OPENAI_BASE_URL: `${await deadUrl()}/v1`,
      LLM_MAX_ATTEMPTS: '1',
    });

    await expect(
      smokeTest({
        baseUrl,
        apiKey: API_KEY,
        waitSeconds: 0,
        pollIntervalMs: 200,
        timeoutMs: 20_000,
      }),
    ).rejects.toThrow(/job .+ failed: provider_unavailable/);
  });

  it('fails, after retrying until its deadline, when nothing answers at the URL', async () => {
    const baseUrl = `${await deadUrl()}/${STAGE}`;

    await expect(smokeTest({ baseUrl, timeoutMs: 1500, pollIntervalMs: 300 })).rejects.toThrow(
      /GET \/prod\/health failed: .*ECONNREFUSED/,
    );
  });
});
