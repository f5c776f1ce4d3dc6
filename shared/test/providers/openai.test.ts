import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/domain/errors.js';
import type { AnswerRequest } from '../../src/domain/ports.js';
import { OpenAIProvider } from '../../src/providers/openai.js';
import { systemPrompt } from '../../src/providers/prompt.js';
import { deadUrl, FakeLlmServer, openaiWire, type Reply } from '../support/fake-llm.js';

const KEY = 'sk-test-openai-0123456789abcdef';
const request: AnswerRequest = {
  question: 'Why is the sky blue?',
  subject: 'physics',
  level: 'high school',
  language: 'pt-BR',
  model: null,
};

let upstream: FakeLlmServer;
beforeAll(async () => {
  upstream = await FakeLlmServer.start();
});
afterAll(() => upstream.close());
beforeEach(() => {
  upstream.reset();
});

const provider = (baseURL = `${upstream.url}/v1`) =>
  new OpenAIProvider({ apiKey: KEY, model: 'gpt-4o-mini', baseURL });

async function failure(reply: Reply): Promise<ProviderError> {
  upstream.reply(reply);
  const error = await provider()
    .answer(request)
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('OpenAI provider', () => {
  it('answers with the text, the model that answered and the token usage', async () => {
    upstream.reply(
      openaiWire.completion('Rayleigh scattering, step by step…', {
        usage: { prompt_tokens: 120, completion_tokens: 80 },
      }),
    );

    const answer = await provider().answer(request);

    expect(answer).toEqual({
      text: 'Rayleigh scattering, step by step…',
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      usage: { inputTokens: 120, outputTokens: 80 },
    });
  });

  it('posts a chat completion with the configured key, model and the study prompt', async () => {
    upstream.reply(openaiWire.completion('ok'));

    await provider().answer(request);

    expect(upstream.requests).toHaveLength(1);
    const [sent] = upstream.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.body).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: systemPrompt(request) },
        { role: 'user', content: request.question },
      ],
    });
  });

  it('asks for the model the request names', async () => {
    upstream.reply(openaiWire.completion('ok', { model: 'llama3.2' }));

    const answer = await provider().answer({ ...request, model: 'llama3.2' });

    expect(upstream.requests[0]?.body).toMatchObject({ model: 'llama3.2' });
    expect(answer.model).toBe('llama3.2');
  });

  it('counts zero tokens when an OpenAI-compatible server sends no usage', async () => {
    upstream.reply(openaiWire.completion('ok', { usage: null }));
    expect((await provider().answer(request)).usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  describe('classifies every HTTP failure into a stable code, and makes exactly one request', () => {
    it.each([
      {
        reply: openaiWire.error(400, {
          message: "This model's maximum context length is 128000 tokens",
          type: 'invalid_request_error',
          code: 'context_length_exceeded',
        }),
        code: 'provider_bad_request',
        retryable: false,
      },
      {
        reply: openaiWire.error(400, {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy",
          type: 'invalid_request_error',
          code: 'content_filter',
        }),
        code: 'content_filtered',
        retryable: false,
      },
      {
        reply: openaiWire.error(401, {
          message: 'Incorrect API key provided: sk-test-***********cdef.',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        }),
        code: 'provider_auth',
        retryable: false,
      },
      {
        reply: openaiWire.error(403, {
          message: 'Project does not have access to model',
          type: 'invalid_request_error',
          code: 'model_not_found',
        }),
        code: 'provider_auth',
        retryable: false,
      },
      {
        reply: openaiWire.error(404, {
          message: 'The model `gpt-9` does not exist',
          type: 'invalid_request_error',
          code: 'model_not_found',
        }),
        code: 'provider_bad_request',
        retryable: false,
      },
      {
        reply: openaiWire.error(408, { message: 'Request timed out', type: 'timeout' }),
        code: 'provider_timeout',
        retryable: true,
      },
      {
        reply: openaiWire.error(409, { message: 'Conflict', type: 'conflict' }),
        code: 'provider_unavailable',
        retryable: true,
      },
      {
        reply: openaiWire.error(422, { message: 'Unprocessable', type: 'invalid_request_error' }),
        code: 'provider_bad_request',
        retryable: false,
      },
      {
        reply: openaiWire.error(
          429,
          { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
          { 'retry-after-ms': '250', 'retry-after': '1' },
        ),
        code: 'provider_rate_limited',
        retryable: true,
        retryAfterMs: 250,
      },
      {
        reply: openaiWire.error(
          429,
          { message: 'Slow down', type: 'requests' },
          { 'retry-after': '2' },
        ),
        code: 'provider_rate_limited',
        retryable: true,
        retryAfterMs: 2000,
      },
      {
        reply: openaiWire.error(429, {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        }),
        code: 'provider_rate_limited',
        retryable: false,
      },
      {
        reply: openaiWire.error(500, { message: 'The server had an error', type: 'server_error' }),
        code: 'provider_unavailable',
        retryable: true,
      },
      {
        reply: openaiWire.error(
          503,
          { message: 'The engine is currently overloaded', type: 'server_error' },
          { 'retry-after': '3' },
        ),
        code: 'provider_unavailable',
        retryable: true,
        retryAfterMs: 3000,
      },
    ])(
      '$reply.status $reply.body.error.type → $code',
      async ({ reply, code, retryable, retryAfterMs }) => {
        const error = await failure(reply);

        expect(error.code).toBe(code);
        expect(error.retryable).toBe(retryable);
        expect(error.options.status).toBe(reply.status);
        expect(error.options.retryAfterMs).toBe(retryAfterMs);
        expect(upstream.requests).toHaveLength(1);
      },
    );
  });

  it('never copies the upstream message, which may quote part of the key', async () => {
    const error = await failure(
      openaiWire.error(401, {
        message: `Incorrect API key provided: ${KEY.slice(0, 8)}***${KEY.slice(-4)}`,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      }),
    );
    expect(error.message).toBe(
      'OpenAI rejected the credentials (HTTP 401 invalid_api_key); check OPENAI_API_KEY',
    );
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(KEY.slice(-4));
  });

  describe('treats a 200 that is not a usable completion as a bad response', () => {
    it.each([
      { what: 'an HTML page', reply: { status: 200, body: '<html>502 Bad Gateway</html>' } },
      {
        what: 'truncated JSON',
        reply: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: '{"choices": [',
        },
      },
      { what: 'JSON without choices', reply: { status: 200, body: { object: 'chat.completion' } } },
      { what: 'an empty answer', reply: openaiWire.completion('', { content: '  ' }) },
      { what: 'a null answer', reply: openaiWire.completion('', { content: null }) },
    ])('$what', async ({ reply }) => {
      const error = await failure(reply);
      expect(error.code).toBe('provider_bad_response');
      expect(error.retryable).toBe(false);
    });
  });

  it('reports a completion stopped by the content filter as content_filtered', async () => {
    const error = await failure(
      openaiWire.completion('', { content: null, finishReason: 'content_filter' }),
    );
    expect(error.code).toBe('content_filtered');
    expect(error.retryable).toBe(false);
  });

  it('reports an unreachable server as provider_unavailable, retryable', async () => {
    const error = await provider(`${await deadUrl()}/v1`)
      .answer(request)
      .catch((thrown: unknown) => thrown as ProviderError);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true });
  });
});
