import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/domain/errors.js';
import type { AnswerRequest } from '../../src/domain/ports.js';
import { HuggingFaceProvider } from '../../src/providers/huggingface.js';
import { systemPrompt } from '../../src/providers/prompt.js';
import { deadUrl, FakeLlmServer, hfWire, openaiWire, type Reply } from '../support/fake-llm.js';

const TOKEN = 'hf_testtoken0123456789abcdef';
const request: AnswerRequest = {
  question: 'O que é fotossíntese?',
  subject: 'biology',
  level: null,
  language: null,
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

const provider = (endpointUrl = upstream.url) =>
  new HuggingFaceProvider({ token: TOKEN, model: 'meta-llama/Llama-3.1-8B-Instruct', endpointUrl });

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

describe('Hugging Face provider against a TGI endpoint', () => {
  it('answers with the text, the model and the token usage', async () => {
    upstream.reply(
      hfWire.completion('A fotossíntese é…', {
        usage: { prompt_tokens: 60, completion_tokens: 150 },
      }),
    );

    expect(await provider().answer(request)).toEqual({
      text: 'A fotossíntese é…',
      provider: 'huggingface',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      usage: { inputTokens: 60, outputTokens: 150 },
    });
  });

  it('posts to <endpoint>/v1/chat/completions with the token, the model and the study prompt', async () => {
    upstream.reply(hfWire.completion('ok'));

    await provider().answer(request);

    expect(upstream.requests).toHaveLength(1);
    const [sent] = upstream.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(sent?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent?.body).toMatchObject({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      messages: [
        { role: 'system', content: systemPrompt(request) },
        { role: 'user', content: request.question },
      ],
    });
  });

  describe('classifies every HTTP failure into a stable code, and makes exactly one request', () => {
    it.each([
      {
        reply: hfWire.error(400, 'Template error: template not found'),
        code: 'provider_bad_request',
        retryable: false,
      },
      {
        reply: hfWire.error(401, 'Invalid credentials in Authorization header'),
        code: 'provider_auth',
        retryable: false,
      },
      {
        reply: hfWire.error(403, 'This authentication method does not have sufficient permissions'),
        code: 'provider_auth',
        retryable: false,
      },
      {
        reply: hfWire.error(404, 'Model meta-llama/Nope does not exist'),
        code: 'provider_bad_request',
        retryable: false,
      },
      {
        reply: hfWire.error(
          422,
          'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096',
          { error_type: 'validation' },
        ),
        code: 'provider_bad_request',
        retryable: false,
      },
      {
        reply: hfWire.error(
          429,
          'Model is overloaded',
          { error_type: 'overloaded' },
          { 'retry-after': '1' },
        ),
        code: 'provider_rate_limited',
        retryable: true,
        retryAfterMs: 1000,
      },
      {
        reply: hfWire.error(500, 'Request failed during generation', { error_type: 'generation' }),
        code: 'provider_unavailable',
        retryable: true,
      },
      {
        // Without retry_on_error: false the client would resend this at once, forever.
        reply: hfWire.error(503, 'Model meta-llama/Llama-3.1-8B-Instruct is currently loading', {
          estimated_time: 20,
        }),
        code: 'provider_unavailable',
        retryable: true,
        retryAfterMs: 20_000,
      },
      {
        reply: hfWire.error(408, 'Request timeout'),
        code: 'provider_timeout',
        retryable: true,
      },
      {
        // The Hugging Face router relays OpenAI-style error bodies.
        reply: openaiWire.error(429, {
          message: 'You have exceeded your monthly included credits',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        }),
        code: 'provider_rate_limited',
        retryable: false,
      },
    ])('$reply.status → $code', async ({ reply, code, retryable, retryAfterMs }) => {
      const error = await failure(reply);

      expect(error.code).toBe(code);
      expect(error.retryable).toBe(retryable);
      expect(error.options.status).toBe(reply.status);
      expect(error.options.retryAfterMs).toBe(retryAfterMs);
      expect(upstream.requests).toHaveLength(1);
    });
  });

  it('prefers the retry-after header to the loading estimate', async () => {
    const error = await failure(
      hfWire.error(
        503,
        'Model is currently loading',
        { estimated_time: 20 },
        { 'retry-after': '5' },
      ),
    );
    expect(error.options.retryAfterMs).toBe(5000);
  });

  it('never copies the upstream message into the error', async () => {
    const error = await failure(hfWire.error(401, `Invalid token ${TOKEN}`));
    expect(error.message).toBe('Hugging Face rejected the credentials (HTTP 401); check HF_TOKEN');
  });

  describe('treats a 200 that is not a usable completion as a bad response', () => {
    it.each([
      { what: 'an HTML page', reply: { status: 200, body: '<html>oops</html>' } },
      {
        what: 'truncated JSON',
        reply: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: '{"choices": [',
        },
      },
      {
        what: 'JSON that is not a completion',
        reply: { status: 200, body: { generated_text: 'hi' } },
      },
      { what: 'an empty answer', reply: hfWire.completion('', { content: '' }) },
    ])('$what', async ({ reply }) => {
      const error = await failure(reply);
      expect(error.code).toBe('provider_bad_response');
      expect(error.retryable).toBe(false);
    });
  });

  it('reports a completion stopped by the content filter as content_filtered', async () => {
    const error = await failure(
      hfWire.completion('', { content: null, finishReason: 'content_filter' }),
    );
    expect(error).toMatchObject({ code: 'content_filtered', retryable: false });
  });

  it('reports an unreachable endpoint as provider_unavailable, retryable', async () => {
    const error = await provider(await deadUrl())
      .answer(request)
      .catch((thrown: unknown) => thrown as ProviderError);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true });
  });

  it('reports settings the client refuses before any request as provider_not_configured', async () => {
    // Without an endpoint the client routes through the Hugging Face router, which needs an hf_ token.
    const misconfigured = new HuggingFaceProvider({ token: 'not-an-hf-token', model: 'm' });
    const error = await misconfigured.answer(request).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'provider_not_configured', retryable: false });
  });
});
