/**
 * Behind API Gateway, a private integration may keep the stage in the path it sends the api
 * (`/dev/api/v1/ask`). With API_STAGE set, the api answers that path as the one without the stage,
 * and only for that name; streams included, over a real socket.
 */
import type { AddressInfo } from 'node:net';
import type { Job } from '@iscoolgpt/shared';
import { describe, expect, it } from 'vitest';
import { eventData, openEventStream } from '../../../../shared/test/support/sse.js';
import { build } from '../support/build.js';

const STAGE = 'dev';
const { app } = await build({ API_STAGE: STAGE });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

async function ask(prefix: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${prefix}/api/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ question: 'What is a stage?' }),
  });
  return { status: response.status, job: (await response.json()) as Job };
}

describe(`with API_STAGE=${STAGE}, /${STAGE}/… answers as the path without it`, () => {
  it('POST /api/v1/ask, synchronous and asynchronous', async () => {
    const sync = await ask(`/${STAGE}`);
    expect(sync.status).toBe(200);
    expect(sync.job.status).toBe('completed');

    const async = await ask(`/${STAGE}`, { prefer: 'respond-async' });
    expect(async.status).toBe(202);
  });

  it('POST /api/v1/ask with Accept: text/event-stream: the answer streams in the response', async () => {
    const stream = await openEventStream(`${base}/${STAGE}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'Stream through the stage' }),
    });
    await stream.ended;

    expect(stream.response.status).toBe(200);
    expect(stream.events[0]?.event).toBe('job');
    expect(eventData<Job>(stream.events.at(-1)!)).toMatchObject({ status: 'completed' });
  });

  it('GET /api/v1/jobs/{id}/events: streams and resumes after Last-Event-ID', async () => {
    const { job } = await ask(`/${STAGE}`);
    const url = `${base}/${STAGE}/api/v1/jobs/${job.id}/events`;
    const first = await openEventStream(url);
    await first.ended;
    expect(first.response.status).toBe(200);
    expect(first.events.at(-1)?.event).toBe('done');

    const resumed = await openEventStream(url, {
      headers: { 'last-event-id': first.events[0]!.id! },
    });
    await resumed.ended;
    expect(resumed.response.status).toBe(200);
    expect(resumed.events.at(-1)?.event).toBe('done');
    expect(resumed.events.map((event) => event.id)).not.toContain(first.events[0]!.id);
  });

  it.each([
    { method: 'GET', path: '/api/v1/jobs/{id}', status: 200 },
    { method: 'POST', path: '/api/v1/jobs/{id}/cancel', status: 200 },
    { method: 'PUT', path: '/api/v1/jobs/{id}/feedback', status: 200, body: { rating: 'up' } },
    { method: 'GET', path: '/api/v1/conversations/{conversationId}', status: 200 },
    { method: 'DELETE', path: '/api/v1/conversations/{conversationId}', status: 204 },
    { method: 'GET', path: '/health', status: 200 },
  ])('$method $path', async ({ method, path, status, body }) => {
    const { job } = await ask('');
    const url = path.replace('{id}', job.id).replace('{conversationId}', job.conversationId);

    const response = await fetch(`${base}/${STAGE}${url}`, {
      method,
      ...(body && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });

    expect(response.status).toBe(status);
  });

  it('answers every documented operation as it answers it without the stage', async () => {
    const document = (await (await fetch(`${base}/${STAGE}/docs/json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        path: path.replace(/\{[^}]+\}/g, '0b5e1c2a-64f1-4b51-9d3c-0a8d3c1f2e77'),
      })),
    );
    expect(operations.length).toBeGreaterThan(5);
    const outcome = async (url: string, method: string) => {
      const response = await app.inject({ method: method as 'GET', url });
      const type = String(response.headers['content-type'] ?? '');
      return {
        status: response.statusCode,
        title: type.includes('json') ? (response.json() as { title?: string }).title : undefined,
      };
    };
    for (const { method, path } of operations) {
      const bare = await outcome(path, method);
      expect(await outcome(`/${STAGE}${path}`, method), `${method} ${path}`).toEqual(bare);
    }
  });
});

describe('only that stage name', () => {
  it.each(['/prod/health', '/devx/health', '/DEV/health', `/${STAGE}`, `/x/${STAGE}/health`])(
    '%s is a 404',
    async (url) => {
      const response = await fetch(`${base}${url}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    },
  );

  it('without API_STAGE (embedded mode) a stage-like prefix is a 404 like any unknown path', async () => {
    const plain = await build();
    const response = await plain.app.inject({ method: 'GET', url: `/${STAGE}/health` });
    expect(response.statusCode).toBe(404);
    expect((await plain.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
