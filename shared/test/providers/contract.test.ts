/**
 * What every real provider does the same way, whichever SDK it uses: the request it sends, the
 * answer it returns, and how it treats responses that are not usable answers.
 */
import { describe, expect, it, vi } from 'vitest';
import type { AnswerProvider } from '../../src/domain/ports.js';
import { HuggingFaceProvider } from '../../src/providers/huggingface.js';
import { OpenAIProvider } from '../../src/providers/openai.js';
import { settingsLine, systemPrompt } from '../../src/providers/prompt.js';
import { deadUrl, hfWire, openaiWire, useFakeLlmServer, type Reply } from '../support/fake-llm.js';
import { providerError } from '../support/rejection.js';
import { studyRequest } from '../support/requests.js';

const request = studyRequest();

const upstream = useFakeLlmServer();

describe.each([
  {
    name: 'openai',
    key: 'sk-test-contract-0123456789abcdef',
    defaultModel: 'gpt-4o-mini',
    reportedModel: 'gpt-4o-mini-2024-07-18',
    path: '/v1/chat/completions',
    wire: openaiWire,
    // OpenAI deprecated `max_tokens`, and its reasoning models refuse it.
    capField: 'max_completion_tokens',
    create: (url: string, key: string): AnswerProvider =>
      new OpenAIProvider({
        apiKey: key,
        model: 'gpt-4o-mini',
        baseURL: `${url}/v1`,
        maxOutputTokens: 700,
      }),
  },
  {
    name: 'huggingface',
    key: 'hf_testcontract0123456789abcdef',
    defaultModel: 'meta-llama/Llama-3.1-8B-Instruct',
    reportedModel: 'meta-llama/Llama-3.1-8B-Instruct',
    path: '/v1/chat/completions',
    wire: hfWire,
    create: (url: string, key: string): AnswerProvider =>
      new HuggingFaceProvider({
        token: key,
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        endpointUrl: url,
        maxOutputTokens: 700,
      }),
    // TGI and the router take `max_tokens` (no `max_completion_tokens`).
    capField: 'max_tokens',
  },
])('$name provider', ({ name, key, defaultModel, reportedModel, path, wire, create, capField }) => {
  const provider = () => create(upstream.url, key);
  const failure = (reply: Reply) => {
    upstream.reply(reply);
    return providerError(provider().answer(request));
  };

  it('answers with the text, the model the upstream reports and the token usage', async () => {
    upstream.reply(
      wire.completion('Rayleigh scattering, step by step…', {
        usage: { prompt_tokens: 120, completion_tokens: 80 },
      }),
    );

    expect(await provider().answer(request)).toEqual({
      text: 'Rayleigh scattering, step by step…',
      provider: name,
      model: reportedModel,
      usage: { inputTokens: 120, outputTokens: 80 },
    });
  });

  it('caps every call at the configured output tokens (LLM_MAX_OUTPUT_TOKENS)', async () => {
    upstream.reply(wire.completion('ok'));

    await provider().answer(request);

    const body = upstream.requests[0]?.body as Record<string, unknown>;
    expect(body[capField]).toBe(700);
    const other = capField === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
    expect(body).not.toHaveProperty(other);
  });

  it('posts one chat completion with the configured key, the model and the study prompt', async () => {
    upstream.reply(wire.completion('ok'));

    await provider().answer(request);

    expect(upstream.requests).toHaveLength(1);
    const [sent] = upstream.requests;
    expect(sent).toMatchObject({ method: 'POST', path });
    expect(sent?.headers.authorization).toBe(`Bearer ${key}`);
    expect(sent?.body).toMatchObject({
      model: defaultModel,
      messages: [
        { role: 'system', content: systemPrompt(request) },
        { role: 'user', content: settingsLine(request) + request.question },
      ],
    });
  });

  it('asks for the model the request names', async () => {
    upstream.reply(wire.completion('ok', { model: 'Qwen/Qwen2.5-7B-Instruct' }));

    const answer = await provider().answer({ ...request, model: 'Qwen/Qwen2.5-7B-Instruct' });

    expect(upstream.requests[0]?.body).toMatchObject({ model: 'Qwen/Qwen2.5-7B-Instruct' });
    expect(answer.model).toBe('Qwen/Qwen2.5-7B-Instruct');
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
      {
        what: 'JSON that is not a completion',
        reply: { status: 200, body: { generated_text: 'hi' } },
      },
      { what: 'an empty answer', reply: wire.completion('', { content: '  ' }) },
      { what: 'a null answer', reply: wire.completion('', { content: null }) },
    ])('$what', async ({ reply }) => {
      const error = await failure(reply);
      expect(error).toMatchObject({ code: 'provider_bad_response', retryable: false });
    });
  });

  it('reports a completion stopped by the content filter as content_filtered', async () => {
    const error = await failure(
      wire.completion('', { content: null, finishReason: 'content_filter' }),
    );
    expect(error).toMatchObject({ code: 'content_filtered', retryable: false });
  });

  describe('streaming', () => {
    it('asks the upstream to stream, usage included', async () => {
      upstream.reply(wire.completion('ok'));

      await provider().answer(request);

      expect(upstream.requests[0]?.body).toMatchObject({
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    it('hands over each piece of text as it arrives, and the pieces make up the answer', async () => {
      const pieces = ['Light ', 'scatters ', 'off ', 'small ', 'molecules.'];
      upstream.reply({ ...wire.completion(pieces.join('')), stream: { pieces, intervalMs: 20 } });
      const received: { text: string; chunksSent: number }[] = [];

      const answer = await provider().answer(request, {
        onDelta: (text) =>
          received.push({ text, chunksSent: upstream.requests[0]?.chunksSentAt.length ?? 0 }),
      });

      expect(received.map((delta) => delta.text)).toEqual(pieces);
      expect(answer.text).toBe('Light scatters off small molecules.');
      // Each piece was handed over before the upstream had sent the whole answer.
      expect(received[0]?.chunksSent).toBeLessThan(pieces.length);
    });

    it('reports a stream cut halfway as provider_unavailable, retryable', async () => {
      const error = await failure({
        ...wire.completion('one two three four five'),
        stream: { cutAfter: 2 },
      });
      expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    });

    it('reports a refusal streamed in delta.refusal as content_filtered', async () => {
      const error = await failure(
        wire.completion('', { content: null, refusal: 'I cannot help with that.' }),
      );
      expect(error).toMatchObject({ code: 'content_filtered', retryable: false });
    });

    it('closes the upstream connection when the call is aborted mid-stream', async () => {
      upstream.reply({
        ...wire.completion('a slow answer that takes many seconds to write out'),
        stream: { intervalMs: 300 },
      });
      const controller = new AbortController();

      const call = provider().answer(request, {
        signal: controller.signal,
        onDelta: () => controller.abort(),
      });

      await expect(call).rejects.toBeDefined();
      await vi.waitFor(() => expect(upstream.requests[0]?.abortedAt).toBeDefined(), {
        timeout: 2000,
      });
      expect(upstream.requests[0]?.chunksSentAt.length).toBeLessThan(5);
    });
  });

  it('reports an unreachable server as provider_unavailable, retryable', async () => {
    const error = await providerError(create(await deadUrl(), key).answer(request));
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true });
  });
});
