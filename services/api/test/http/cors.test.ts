/**
 * CORS as a browser on another allowed origin meets it: for every route, the preflight a browser
 * sends (the route's method, every header the API reads) and then the request itself. The
 * preflight is judged as the Fetch standard's CORS check judges it, not by string matching.
 */
import { CORS_EXPOSED_HEADERS, CORS_REQUEST_HEADERS, type Job } from '@iscoolgpt/shared';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { build } from '../support/build.js';

const ORIGIN = 'https://study.example';
const { app } = await build({ CORS_ALLOWED_ORIGINS: `https://other.example, ${ORIGIN}` });

/** Methods and request headers a browser sends without asking first (Fetch: "CORS-safelisted"). */
const SAFELISTED_METHODS = ['GET', 'HEAD', 'POST'];
const listOf = (value: unknown) =>
  String(value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

function preflight(method: string, url: string, origin = ORIGIN) {
  return app.inject({
    method: 'OPTIONS',
    url,
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': CORS_REQUEST_HEADERS.join(','),
    },
  });
}

/** The Fetch standard's CORS-preflight check: would the browser go on to send the request? */
function browserWouldSend(response: LightMyRequestResponse, method: string, origin = ORIGIN) {
  const allowOrigin = response.headers['access-control-allow-origin'];
  const methods = listOf(response.headers['access-control-allow-methods']);
  const headers = listOf(response.headers['access-control-allow-headers']);
  return (
    response.statusCode >= 200 &&
    response.statusCode < 300 &&
    (allowOrigin === '*' || allowOrigin === origin) &&
    (SAFELISTED_METHODS.includes(method) || methods.includes(method.toLowerCase())) &&
    CORS_REQUEST_HEADERS.every((header) => headers.includes(header))
  );
}

/** What a script on ORIGIN may read of a response: its status and these headers, or nothing. */
function readableByScript(response: LightMyRequestResponse) {
  expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
  return listOf(response.headers['access-control-expose-headers']);
}

async function ask(headers: Record<string, string> = {}): Promise<Job> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/ask',
    headers: { origin: ORIGIN, ...headers },
    payload: { question: 'Why is the sky blue?' },
  });
  return response.json() as Job;
}

describe('every route, from another allowed origin: the preflight passes, then the request', () => {
  it('POST /api/v1/ask: the 202 lets the script read Location, Retry-After, Preference-Applied', async () => {
    expect(browserWouldSend(await preflight('POST', '/api/v1/ask'), 'POST')).toBe(true);

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: {
        origin: ORIGIN,
        prefer: 'respond-async',
        'idempotency-key': 'cors-ask-1',
        'x-request-id': 'cors-ask-1',
      },
      payload: { question: 'What is refraction?' },
    });

    expect(response.statusCode).toBe(202);
    const exposed = readableByScript(response);
    for (const header of ['location', 'retry-after', 'preference-applied', 'x-request-id']) {
      expect(response.headers[header], header).toBeDefined();
      expect(exposed, header).toContain(header);
    }
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it.each([
    { method: 'GET', path: '/api/v1/jobs/{id}' },
    { method: 'POST', path: '/api/v1/jobs/{id}/cancel' },
    { method: 'GET', path: '/api/v1/conversations/{conversationId}' },
  ])('$method $path', async ({ method, path }) => {
    const job = await ask({ prefer: 'respond-async' });
    const url = path.replace('{id}', job.id).replace('{conversationId}', job.conversationId);
    expect(browserWouldSend(await preflight(method, url), method)).toBe(true);

    const response = await app.inject({ method, url, headers: { origin: ORIGIN } });

    expect(response.statusCode).toBe(200);
    readableByScript(response);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('GET /api/v1/jobs/{id}/events: resumes a stream after Last-Event-ID', async () => {
    const job = await ask();
    const url = `/api/v1/jobs/${job.id}/events`;
    expect(browserWouldSend(await preflight('GET', url), 'GET')).toBe(true);
    const first = await app.inject({ method: 'GET', url, headers: { origin: ORIGIN } });
    const firstId = /^id: (.+)$/m.exec(first.body)![1]!;

    const resumed = await app.inject({
      method: 'GET',
      url,
      headers: {
        origin: ORIGIN,
        accept: 'text/event-stream',
        'last-event-id': firstId,
        'cache-control': 'no-cache',
      },
    });

    expect(resumed.statusCode).toBe(200);
    readableByScript(resumed);
    const ids = [...resumed.body.matchAll(/^id: (.+)$/gm)].map((match) => Number(match[1]));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id > Number(firstId))).toBe(true);
    expect(resumed.body).toMatch(/^event: done$/m);
    expect(resumed.headers['cache-control']).toMatch(/^no-store\b/);
  });

  it('PUT /api/v1/jobs/{id}/feedback: rates an answer', async () => {
    const job = await ask();
    const url = `/api/v1/jobs/${job.id}/feedback`;
    expect(browserWouldSend(await preflight('PUT', url), 'PUT')).toBe(true);

    const response = await app.inject({
      method: 'PUT',
      url,
      headers: { origin: ORIGIN },
      payload: { rating: 'up' },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json().feedback).toMatchObject({ rating: 'up' });
    readableByScript(response);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('DELETE /api/v1/conversations/{id}: erases a conversation', async () => {
    const job = await ask();
    const url = `/api/v1/conversations/${job.conversationId}`;
    expect(browserWouldSend(await preflight('DELETE', url), 'DELETE')).toBe(true);

    const response = await app.inject({ method: 'DELETE', url, headers: { origin: ORIGIN } });

    expect(response.statusCode).toBe(204);
    readableByScript(response);
    const after = await app.inject({ method: 'GET', url, headers: { origin: ORIGIN } });
    expect(after.statusCode).toBe(404);
  });

  it('GET /health', async () => {
    expect(browserWouldSend(await preflight('GET', '/health'), 'GET')).toBe(true);

    const response = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: ORIGIN },
    });

    expect(response.statusCode).toBe(200);
    readableByScript(response);
  });

  it('covers every operation the OpenAPI document lists, whatever routes exist by then', async () => {
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        url: path.replace(/\{[^}]+\}/g, '0b5e1c2a-64f1-4b51-9d3c-0a8d3c1f2e77'),
      })),
    );
    expect(operations.map((operation) => operation.method)).toEqual(
      expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']),
    );
    for (const { method, url } of operations) {
      expect(browserWouldSend(await preflight(method, url), method), `${method} ${url}`).toBe(true);
    }
  });
});

describe('the CORS contract', () => {
  it('exposes every header of the contract on every response, errors included', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/jobs/0b5e1c2a-64f1-4b51-9d3c-0a8d3c1f2e77',
      headers: { origin: ORIGIN },
    });

    expect(response.statusCode).toBe(404);
    expect(readableByScript(response).sort()).toEqual([...CORS_EXPOSED_HEADERS].sort());
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('allows a method added by a route registered later, without touching the CORS plugin', async () => {
    const later = await build({ CORS_ALLOWED_ORIGINS: ORIGIN });
    later.app.patch('/api/v1/later', async () => ({ ok: true }));

    const response = await later.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/later',
      headers: { origin: ORIGIN, 'access-control-request-method': 'PATCH' },
    });

    expect(listOf(response.headers['access-control-allow-methods'])).toContain('patch');
    const patched = await later.app.inject({
      method: 'PATCH',
      url: '/api/v1/later',
      headers: { origin: ORIGIN },
    });
    expect(patched.headers['cache-control']).toBe('no-store');
  });

  it('gives an origin that is not allowed nothing a browser would accept', async () => {
    const stranger = 'https://stranger.example';
    expect(browserWouldSend(await preflight('PUT', '/api/v1/ask', stranger), 'PUT', stranger)).toBe(
      false,
    );
    const response = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: stranger },
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('leaves responses without student data (the OpenAPI document) to ordinary caching', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.headers['cache-control']).toBeUndefined();
  });
});
