import { describe, expect, it } from 'vitest';
import { build } from '../support/build.js';

const built = await build();
const { app } = built;

function post(payload: string | Buffer, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/ask',
    headers: { 'content-type': 'application/json', prefer: 'respond-async', ...headers },
    payload,
  });
}

const problemOf = (response: Awaited<ReturnType<typeof post>>) => {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json();
};

describe('JSON bodies are UTF-8 (RFC 8259)', () => {
  it('refuses a body declared in another charset with 415 instead of storing mangled text', async () => {
    const before = built.store.size;
    const response = await post(Buffer.from('{"question":"café"}', 'latin1'), {
      'content-type': 'application/json; charset=latin1',
    });

    expect(response.statusCode).toBe(415);
    expect(problemOf(response)).toMatchObject({ type: '/problems/unsupported-media-type' });
    expect(built.store.size).toBe(before);
  });

  it('accepts charset=utf-8 (any case) and keeps the text exact', async () => {
    const response = await post(Buffer.from('{"question":"café ☕"}', 'utf8'), {
      'content-type': 'application/json; charset=UTF-8',
    });
    expect(response.statusCode).toBe(202);
    expect(response.json().question).toBe('café ☕');
  });

  it('refuses bytes that are not UTF-8 with 400 instead of replacing them', async () => {
    const response = await post(
      Buffer.concat([Buffer.from('{"question":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]),
    );
    expect(response.statusCode).toBe(400);
    expect(problemOf(response)).toMatchObject({ type: '/problems/malformed-json' });
  });

  it('refuses a lone surrogate escape with 400 naming the field', async () => {
    const response = await post('{"question":"broken \\ud800 text"}');
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors).toContainEqual(
      expect.objectContaining({ in: 'body', field: 'question' }),
    );
  });

  it('refuses a Content-Encoding it does not decode with 415 and Accept-Encoding, not "Malformed JSON"', async () => {
    const response = await post('{"question":"q"}', { 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(415);
    expect(response.headers['accept-encoding']).toBe('identity');
    expect(problemOf(response).detail).toMatch(/Content-Encoding/);
  });
});

describe('prototype keys', () => {
  it('names a __proto__ member as the offending field instead of calling the JSON invalid', async () => {
    const response = await post('{"question":"q","__proto__":{"admin":true}}');
    expect(response.statusCode).toBe(400);
    const problem = problemOf(response);
    expect(problem.type).toBe('/problems/validation-error');
    expect(problem.errors).toContainEqual(
      expect.objectContaining({ in: 'body', field: '__proto__' }),
    );
  });
});

describe('deeply nested bodies', () => {
  it.each([
    ['arrays', '['.repeat(12_000) + ']'.repeat(12_000)],
    ['objects', '{"":'.repeat(12_000) + '1' + '}'.repeat(12_000)],
  ])(
    'refuses %s nested 12,000 levels deep with 400 naming the nesting, not 500',
    async (_, body) => {
      const before = built.store.size;
      const response = await post(body);

      expect(response.statusCode).toBe(400);
      const problem = problemOf(response);
      expect(problem.type).toBe('/problems/validation-error');
      expect(problem.detail).toMatch(/nested more than 32 levels deep/);
      expect(problem.errors).toEqual([
        { in: 'body', field: '', message: expect.stringMatching(/nested more than 32 levels/) },
      ]);
      expect(built.store.size).toBe(before);
    },
  );

  it('lets 32 levels through to the schema, which names the field', async () => {
    // The body is level 1; `subject` holds the other 31.
    const response = await post(`{"question":"q","subject":${'['.repeat(31)}${']'.repeat(31)}}`);

    expect(response.statusCode).toBe(400);
    const problem = problemOf(response);
    expect(problem.detail).not.toMatch(/nested/);
    expect(problem.errors).toContainEqual(
      expect.objectContaining({ in: 'body', field: 'subject' }),
    );

    const deeper = await post(`{"question":"q","subject":${'['.repeat(32)}${']'.repeat(32)}}`);
    expect(problemOf(deeper).detail).toMatch(/nested more than 32 levels deep/);
  });
});
