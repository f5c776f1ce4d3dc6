import { describe, expect, it } from 'vitest';
import { build } from '../support/build.js';

const { app } = await build();
// One provider key, another provider named but without one: the server accepts only the first.
const withKey = await build({
  OPENAI_API_KEY: 'sk-test',
  // Nothing listens there: the accepted ask fails at once instead of calling out.
  OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
  LLM_MAX_ATTEMPTS: '1',
  LLM_PROVIDERS: 'openai,huggingface',
});

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
  paths: Record<string, Record<string, Operation & { security?: unknown[] }>>;
  components: {
    securitySchemes?: Record<string, unknown>;
    schemas?: Record<string, unknown>;
  };
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

  it('documents Cache-Status (RFC 9211) on every response of an ask, and its Cache-Control', () => {
    const ask = document.paths['/api/v1/ask']!.post!;
    for (const status of ['200', '202', '400', '404', '409', '422', '502', '503']) {
      const { headers } = ask.responses[status]!;
      expect(headers?.['cache-status'], status).toMatchObject({ required: true });
    }
    expect(JSON.stringify(ask)).toContain('cache-control');
  });

  it("documents the answer cache's fields of a job", () => {
    const job = JSON.stringify(document.components.schemas?.Job);
    expect(job).toMatch(/"cached"/);
    expect(job).toMatch(/"cachedUsage"/);
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

  it('documents the bearer security scheme, on every /api operation, with its 401', () => {
    expect(document.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
    for (const [name, operation] of operations.filter(([name]) => name.includes(' /api/'))) {
      if (name === 'POST /api/v1/sessions') {
        expect(operation.security, name).toEqual([{}]);
        continue;
      }
      expect(operation.security, name).toEqual([{ bearerAuth: [] }, {}]);
      expect(operation.responses['401']?.headers, name).toMatchObject({
        'www-authenticate': { required: true },
      });
    }
    expect(document.paths['/health']!.get!.security).toBeUndefined();
  });

  it('documents guest sessions and who am I', () => {
    expect(document.paths['/api/v1/sessions']!.post!.responses).toHaveProperty('201');
    expect(document.paths['/api/v1/sessions']!.post!.responses['429']!.headers).toHaveProperty(
      'retry-after',
    );
    expect(document.paths['/api/v1/me']!.get!.responses).toHaveProperty('200');
  });
});

describe('the provider field offers only the providers this server accepts', () => {
  const providerField = async (built: typeof app) => {
    const doc = (await built.inject({ method: 'GET', url: '/docs/json' })).json();
    return doc.paths['/api/v1/ask'].post.requestBody.content['application/json'].schema.properties
      .provider;
  };
  const ask = (built: typeof app, provider: string) =>
    built.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: { prefer: 'respond-async' },
      payload: { question: 'What is a lever?', provider },
    });

  it('with no key, documents the field as unavailable (no value is valid) and the server agrees', async () => {
    const field = await providerField(app);
    expect(field).toEqual({ description: expect.stringMatching(/unavailable/), not: {} });
    for (const provider of ['openai', 'huggingface']) {
      expect((await ask(app, provider)).statusCode, provider).toBe(422);
    }
  });

  it('with a key, lists that provider alone, and an ask naming it is accepted', async () => {
    const field = await providerField(withKey.app);
    expect(field).toMatchObject({ type: 'string', enum: ['openai'] });
    expect((await ask(withKey.app, 'openai')).statusCode).toBe(202);
    expect((await ask(withKey.app, 'huggingface')).statusCode).toBe(422);
  });
});

const allowing = await build({
  OPENAI_API_KEY: 'sk-test',
  OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
  LLM_MAX_ATTEMPTS: '1',
  LLM_MODELS: 'gpt-4o-mini, gpt-4.1-nano',
});

describe('the model field offers only the models this server allows (LLM_MODELS)', () => {
  const modelField = async (built: typeof app) => {
    const doc = (await built.inject({ method: 'GET', url: '/docs/json' })).json();
    return doc.paths['/api/v1/ask'].post.requestBody.content['application/json'].schema.properties
      .model;
  };
  const ask = (built: typeof app, model: string) =>
    built.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: { prefer: 'respond-async' },
      payload: { question: 'What is a lever?', model },
    });

  it('lists the allowlist as the enum, and the server takes exactly those', async () => {
    expect(await modelField(allowing.app)).toMatchObject({
      type: 'string',
      enum: ['gpt-4o-mini', 'gpt-4.1-nano'],
    });
    expect((await ask(allowing.app, 'gpt-4.1-nano')).statusCode).toBe(202);
    const refused = await ask(allowing.app, 'o1-pro');
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'model_not_allowed',
      models: ['gpt-4o-mini', 'gpt-4.1-nano'],
    });
  });

  it('without LLM_MODELS, the default model of each provider with a key', async () => {
    expect(await modelField(withKey.app)).toMatchObject({ enum: ['gpt-4o-mini'] });
  });

  it('with only the offline demo provider, documents the field as unavailable, and refuses any', async () => {
    expect(await modelField(app)).toEqual({
      description: expect.stringMatching(/unavailable/),
      not: {},
    });
    const refused = await ask(app, 'gpt-4o-mini');
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'model_not_allowed', models: [] });
  });
});
