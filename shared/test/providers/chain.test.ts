import { describe, expect, it } from 'vitest';
import { openaiThenHuggingFace } from '../support/chains.js';
import { hfWire, openaiWire, useFakeLlmServer } from '../support/fake-llm.js';
import { studyRequest } from '../support/requests.js';

const request = studyRequest({ question: 'Explain photosynthesis' });
const serverError = openaiWire.error(500, {
  message: 'The server had an error',
  type: 'server_error',
});

const openaiUpstream = useFakeLlmServer();
const hfUpstream = useFakeLlmServer();

const chain = () =>
  openaiThenHuggingFace({ openai: openaiUpstream.url, huggingface: hfUpstream.url });

describe('the provider chain', () => {
  it('falls back to Hugging Face once OpenAI has failed every retry', async () => {
    openaiUpstream.otherwise(serverError);
    hfUpstream.reply(hfWire.completion('Photosynthesis turns light into sugar'));

    const outcome = await chain().answer(request, null);

    expect(outcome).toMatchObject({
      ok: true,
      attempts: 4,
      answer: {
        provider: 'huggingface',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        text: 'Photosynthesis turns light into sugar',
      },
    });
    expect(openaiUpstream.requests).toHaveLength(3);
    expect(hfUpstream.requests).toHaveLength(1);
  });

  it('falls back without retrying when OpenAI rejects the key', async () => {
    openaiUpstream.otherwise(
      openaiWire.error(401, { message: 'Incorrect API key', type: 'invalid_request_error' }),
    );
    hfUpstream.reply(hfWire.completion('answered'));

    const outcome = await chain().answer(request, null);

    expect(outcome).toMatchObject({ ok: true, attempts: 2, answer: { provider: 'huggingface' } });
    expect(openaiUpstream.requests).toHaveLength(1);
  });

  it('does not shop a content-filter refusal around to the next provider', async () => {
    openaiUpstream.otherwise(
      openaiWire.completion('', { content: null, finishReason: 'content_filter' }),
    );
    hfUpstream.otherwise(hfWire.completion('a laxer answer'));

    const outcome = await chain().answer(request, null);

    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: { code: 'content_filtered' } });
    expect(hfUpstream.requests).toHaveLength(0);
  });

  it('reports the last provider’s error and every call when all fail', async () => {
    openaiUpstream.otherwise(serverError);
    hfUpstream.otherwise(hfWire.error(401, 'Invalid credentials in Authorization header'));

    const outcome = await chain().answer(request, null);

    expect(outcome).toMatchObject({
      ok: false,
      attempts: 4,
      provider: 'huggingface',
      error: { code: 'provider_auth' },
    });
  });

  it('asks only the provider a request names', async () => {
    hfUpstream.reply(hfWire.completion('from the endpoint'));

    const outcome = await chain().answer(request, 'huggingface');

    expect(outcome).toMatchObject({ ok: true, answer: { provider: 'huggingface' } });
    expect(openaiUpstream.requests).toHaveLength(0);
  });

  it('does not fall back from a provider a request names', async () => {
    hfUpstream.otherwise(hfWire.error(500, 'boom'));
    openaiUpstream.otherwise(openaiWire.completion('not asked'));

    const outcome = await chain().answer(request, 'huggingface');

    expect(outcome).toMatchObject({
      ok: false,
      attempts: 3,
      error: { code: 'provider_unavailable' },
    });
    expect(openaiUpstream.requests).toHaveLength(0);
  });

  it('sends a model the request names to the first provider only; fallbacks use their own', async () => {
    openaiUpstream.otherwise(serverError);
    hfUpstream.reply(hfWire.completion('ok'));

    await chain().answer({ ...request, model: 'gpt-4.1' }, null);

    expect(openaiUpstream.requests[0]?.body).toMatchObject({ model: 'gpt-4.1' });
    expect(hfUpstream.requests[0]?.body).toMatchObject({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
    });
  });
});
