import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { build } from '../support/build.js';
import { sendRaw, type RawResponse } from '../support/raw-http.js';

const { app } = await build();

/** Every error the server writes, whoever writes it: problem+json, a request id, our own title. */
function expectProblem(
  response: { statusCode?: number; status?: number; headers: Record<string, unknown> },
  body: Record<string, unknown>,
  status: number,
) {
  expect(response.statusCode ?? response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json; charset=utf-8$/);
  expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^\/problems\/|about:blank/) });
  expect(body.title).not.toMatch(/Error$|^FST_/);
  expect(JSON.stringify(body)).not.toMatch(/FST_ERR/);
}

const raw = (request: string) => sendRaw(app, request);
const rawProblem = (response: RawResponse, status: number) =>
  expectProblem(response, response.json(), status);

describe("errors Node's HTTP parser raises (raw sockets)", () => {
  it('answers 400 problem+json to a bare LF inside a header value', async () => {
    const response = await raw('GET /health HTTP/1.1\r\nhost: x\r\nx-bad: a\nb\r\n\r\n');
    rawProblem(response, 400);
    expect(response.json().type).toBe('/problems/malformed-request');
  });

  it('answers 400 problem+json to a bare CR in a header', async () => {
    rawProblem(await raw('GET /health HTTP/1.1\r\nhost: x\r\nx-bad: a\rb\r\n\r\n'), 400);
  });

  it('answers 400 problem+json to a duplicate Content-Length', async () => {
    const response = await raw(
      'POST /api/v1/ask HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
        'content-length: 2\r\ncontent-length: 3\r\n\r\n{}',
    );
    rawProblem(response, 400);
  });

  it('answers 400 problem+json to a chunked body cut short by the client', async () => {
    const response = await raw(
      'POST /api/v1/ask HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
        'transfer-encoding: chunked\r\n\r\nzz\r\n',
    );
    rawProblem(response, 400);
  });

  it('answers 431 problem+json to headers over the size limit', async () => {
    const response = await raw(
      `GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    rawProblem(response, 431);
    expect(response.json().type).toBe('/problems/headers-too-large');
  });
});

describe('errors the router raises', () => {
  it('answers 400 problem+json to a malformed percent-encoding, without echoing the URL', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/jobs/%zz' });
    expectProblem(response, response.json(), 400);
    expect(response.body).not.toContain('%zz');
  });

  it('answers an over-long job id with 400 naming the id, like any malformed id', async () => {
    for (const length of [101, 5000]) {
      const response = await app.inject({
        method: 'GET',
        url: `/api/v1/jobs/${'a'.repeat(length)}`,
      });
      expectProblem(response, response.json(), 400);
      expect(response.json().type).toBe('/problems/validation-error');
      expect(response.body).not.toContain('a'.repeat(101));
    }
    const response = await app.inject({ method: 'GET', url: `/api/v1/jobs/${'a'.repeat(200)}` });
    expect(response.json().errors).toContainEqual(
      expect.objectContaining({ in: 'params', field: 'id' }),
    );
  });
});

describe('methods a route does not have', () => {
  it.each([
    ['DELETE', '/api/v1/ask', 'OPTIONS, POST'],
    ['PUT', `/api/v1/jobs/${randomUUID()}`, 'GET, HEAD, OPTIONS'],
    ['POST', '/health', 'GET, HEAD, OPTIONS'],
    // A method with a body but no Content-Type: still 405, not a complaint about the body.
    ['QUERY', '/health', 'GET, HEAD, OPTIONS'],
  ])('answers %s %s with 405 problem+json and Allow: %s', async (method, url, allow) => {
    const response = await app.inject({ method: method as 'GET', url });
    expectProblem(response, response.json(), 405);
    expect(response.headers.allow).toBe(allow);
    expect(response.json().type).toBe('/problems/method-not-allowed');
  });

  it('still answers 404 problem+json for a path no route has', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/nowhere' });
    expectProblem(response, response.json(), 404);
    expect(response.headers.allow).toBeUndefined();
  });
});

describe('OPTIONS', () => {
  it('answers OPTIONS without Origin (not a CORS preflight) with 204 and Allow', async () => {
    const response = await app.inject({ method: 'OPTIONS', url: '/api/v1/ask' });
    expect(response.statusCode).toBe(204);
    expect(response.headers.allow).toBe('OPTIONS, POST');
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('answers OPTIONS on an unknown path with 404 problem+json', async () => {
    const response = await app.inject({ method: 'OPTIONS', url: '/nowhere' });
    expectProblem(response, response.json(), 404);
  });

  it('leaves a real CORS preflight to the CORS plugin', async () => {
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/ask',
      headers: { origin: 'https://study.example', 'access-control-request-method': 'POST' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-methods']).toContain('POST');
  });
});

describe('framework errors inside a route', () => {
  it('titles a body that does not match its Content-Length from our own map, not the error class', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: { 'content-type': 'application/json', 'content-length': '30' },
      payload: '{"question":"q"}',
    });
    expectProblem(response, response.json(), 400);
    expect(response.json().title).toBe('Bad request');
  });
});
