import { describe, expect, it } from 'vitest';
import { OpenAIProvider } from '../../src/providers/openai.js';
import { classification, providerError } from '../support/rejection.js';
import { studyRequest } from '../support/requests.js';
import { openaiWire, type Reply, useFakeLlmServer } from '../support/fake-llm.js';

const KEY = 'sk-test-openai-0123456789abcdef';
const request = studyRequest();

const upstream = useFakeLlmServer();

const provider = (baseURL = `${upstream.url}/v1`) =>
  new OpenAIProvider({ apiKey: KEY, model: 'gpt-4o-mini', baseURL, maxOutputTokens: 1024 });

function failure(reply: Reply) {
  upstream.reply(reply);
  return providerError(provider().answer(request));
}

describe('OpenAI provider', () => {
  it('reports no usage when an OpenAI-compatible server sends none (the meter then counts)', async () => {
    upstream.reply(openaiWire.completion('ok', { usage: null }));
    expect((await provider().answer(request)).usage).toBeNull();
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
    ])('$reply.status $reply.body.error.type → $code', async ({ reply, ...expected }) => {
      expect(classification(await failure(reply))).toEqual({
        status: reply.status,
        retryAfterMs: undefined,
        ...expected,
      });
      expect(upstream.requests).toHaveLength(1);
    });
  });

  it("reports the model's own refusal as content_filtered", async () => {
    const refusal = openaiWire.completion('', { content: null });
    const body = refusal.body as { choices: { message: Record<string, unknown> }[] };
    body.choices[0]!.message.refusal = "I'm sorry, I can't help with that.";

    const error = await failure(refusal);

    expect(error).toMatchObject({ code: 'content_filtered', retryable: false });
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
});
