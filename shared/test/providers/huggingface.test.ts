import { describe, expect, it } from 'vitest';
import { HuggingFaceProvider } from '../../src/providers/huggingface.js';
import { classification, providerError } from '../support/rejection.js';
import { studyRequest } from '../support/requests.js';
import { hfWire, openaiWire, type Reply, useFakeLlmServer } from '../support/fake-llm.js';

const TOKEN = 'hf_testtoken0123456789abcdef';
const request = studyRequest({ question: 'O que é fotossíntese?', language: null });

const upstream = useFakeLlmServer();

const provider = (endpointUrl = upstream.url) =>
  new HuggingFaceProvider({
    token: TOKEN,
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    endpointUrl,
    maxOutputTokens: 1024,
  });

function failure(reply: Reply) {
  upstream.reply(reply);
  return providerError(provider().answer(request));
}

describe('Hugging Face provider against a TGI endpoint', () => {
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
    ])('$reply.status → $code', async ({ reply, ...expected }) => {
      expect(classification(await failure(reply))).toEqual({
        status: reply.status,
        retryAfterMs: undefined,
        ...expected,
      });
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

  it('reports settings the client refuses before any request as provider_not_configured', async () => {
    // Without an endpoint the client routes through the Hugging Face router, which needs an hf_ token.
    const misconfigured = new HuggingFaceProvider({
      token: 'not-an-hf-token',
      model: 'm',
      maxOutputTokens: 1024,
    });
    const error = await providerError(misconfigured.answer(request));
    expect(error).toMatchObject({ code: 'provider_not_configured', retryable: false });
  });
});
