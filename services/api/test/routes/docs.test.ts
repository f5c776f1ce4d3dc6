import { describe, expect, it } from 'vitest';
import { build } from '../support/build.js';

const { app } = await build();

interface Operation {
  responses: Record<
    string,
    {
      content?: Record<string, unknown>;
      headers?: Record<string, { required?: boolean; schema: unknown }>;
    }
  >;
}
const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as {
  paths: Record<string, Record<string, Operation>>;
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(
    ([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as const,
  ),
);

describe('the OpenAPI document (/docs/json) tells clients what the server sends', () => {
  it('documents every error response as application/problem+json, never application/json', () => {
    expect(operations.length).toBeGreaterThan(2);
    for (const [name, operation] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status !== 'default' && Number(status) < 400) continue;
        expect(Object.keys(response.content ?? {}), `${name} ${status}`).toEqual([
          'application/problem+json',
        ]);
      }
    }
  });

  it('documents a default problem on every operation, for the errors any route may answer', () => {
    for (const [name, operation] of operations) {
      expect(operation.responses.default, name).toBeDefined();
    }
  });

  it('documents x-request-id on every response that has a body', () => {
    for (const [name, operation] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!response.content) continue;
        expect(response.headers?.['x-request-id'], `${name} ${status}`).toMatchObject({
          required: true,
        });
      }
    }
  });

  it('documents the headers of an ask: Location and Retry-After on 202, Preference-Applied', () => {
    const ask = document.paths['/api/v1/ask']!.post!.responses;
    expect(ask['202']!.headers).toMatchObject({
      location: { required: true },
      'retry-after': { required: true },
      'preference-applied': {},
    });
    expect(ask['202']!.headers!['preference-applied']!.required).toBeUndefined();
    expect(ask['200']!.headers).toHaveProperty('preference-applied');
    expect(ask['503']!.headers).toHaveProperty('retry-after');
  });

  it('describes the trimming of strings, and refuses blank ones in the schema itself', () => {
    const text = JSON.stringify(document);
    expect(text).toMatch(/trimmed of leading and trailing whitespace/);
    const response = app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      payload: { question: 'q', subject: '\u000b' },
    });
    return response.then((r) => expect(r.statusCode).toBe(400));
  });
});
