import { describe, expect, it } from 'vitest';
import { build } from '../support/build.js';

const { app } = await build();

describe('service endpoints', () => {
  it('GET /health says the process is alive', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const spec = response.json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/ask', '/api/v1/jobs/{id}', '/health']),
    );
    const ask = spec.paths['/api/v1/ask'].post;
    expect(Object.keys(ask.responses)).toEqual(
      expect.arrayContaining(['200', '202', '400', '502']),
    );
    expect(JSON.stringify(ask.requestBody)).toContain('question');
  });

  it('serves interactive docs at /docs', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v2/nothing' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('CORS', () => {
  it('answers a browser preflight for ask with the headers a front end needs', async () => {
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/ask',
      headers: {
        origin: 'https://study.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, prefer, idempotency-key',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(String(response.headers['access-control-allow-headers'])).toMatch(/idempotency-key/);
  });

  it('lets browsers read Location and Retry-After on a 202', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: { origin: 'https://study.example', prefer: 'respond-async' },
      payload: { question: 'What is CORS?' },
    });
    expect(response.statusCode).toBe(202);
    expect(String(response.headers['access-control-expose-headers'])).toMatch(/location/);
  });
});
