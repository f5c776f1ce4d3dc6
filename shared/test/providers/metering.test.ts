/**
 * What a job's provider calls used and cost, as the chain reports it: from the provider's own
 * usage chunk when it sends one, else counted with the tokenizer, for failed, retried, fallen-back
 * and cancelled calls too.
 */
import { describe, expect, it } from 'vitest';
import { ProviderChain } from '../../src/providers/chain.js';
import { OfflineProvider } from '../../src/providers/offline.js';
import { PriceTable } from '../../src/providers/prices.js';
import { countTextTokens, promptTokens } from '../../src/providers/prompt.js';
import { openaiThenHuggingFace } from '../support/chains.js';
import { hfWire, openaiWire, useFakeLlmServer } from '../support/fake-llm.js';
import { studyRequest } from '../support/requests.js';

const request = studyRequest({ question: 'Explain photosynthesis' });
const openaiUpstream = useFakeLlmServer();
const hfUpstream = useFakeLlmServer();

const chain = (prices = new PriceTable(), maxAttempts = 2) =>
  openaiThenHuggingFace(
    { openai: openaiUpstream.url, huggingface: hfUpstream.url },
    { prices, maxAttempts },
  );

const PIECES = ['Light ', 'is ', 'absorbed ', 'by ', 'chlorophyll ', 'in ', 'the ', 'leaf.'];

describe('the cost of an answer', () => {
  it("prices the provider's usage chunk by the model that answered (a dated snapshot as its model)", async () => {
    // gpt-4o-mini: $0.15 input, $0.60 output per million tokens.
    openaiUpstream.reply(
      openaiWire.completion('Chlorophyll.', {
        model: 'gpt-4o-mini-2024-07-18',
        usage: { prompt_tokens: 1000, completion_tokens: 500 },
      }),
    );

    const outcome = await chain().answer(request, null);

    expect(outcome.usage).toEqual({ inputTokens: 1000, outputTokens: 500, costUsd: 0.00045 });
  });

  it('takes LLM_PRICES over the built-in prices, and says null for a model it has no price for', async () => {
    const prices = new PriceTable({ 'gpt-4o-mini': { input: 1, output: 2 } });
    openaiUpstream.reply(
      openaiWire.completion('ok', { usage: { prompt_tokens: 1000, completion_tokens: 1000 } }),
      openaiWire.completion('ok', {
        model: 'gpt-9',
        usage: { prompt_tokens: 10, completion_tokens: 1 },
      }),
    );

    expect((await chain(prices).answer(request, null)).usage?.costUsd).toBe(0.003);
    const unknown = await chain(prices).answer({ ...request, model: 'gpt-9' }, null);
    expect(unknown.usage).toEqual({ inputTokens: 10, outputTokens: 1, costUsd: null });
  });

  it('costs 0 with the offline demo provider, which calls no model', async () => {
    const outcome = await new ProviderChain([new OfflineProvider({ delayMs: 0 })]).answer(
      request,
      null,
    );
    expect(outcome.usage).toMatchObject({ costUsd: 0 });
    expect(outcome.usage!.outputTokens).toBeGreaterThan(0);
  });
});

describe('what a call used when the provider does not say', () => {
  it('counts the prompt and the answer with the tokenizer when the server sends no usage', async () => {
    openaiUpstream.reply(openaiWire.completion(PIECES.join(''), { usage: null }));

    const outcome = await chain().answer(request, null);

    expect(outcome.usage).toMatchObject({
      inputTokens: promptTokens(request),
      outputTokens: countTextTokens(PIECES.join('')),
    });
    expect(outcome.usage!.inputTokens).toBeGreaterThan(50);
  });

  it('counts a cancelled call by what it streamed before the stop', async () => {
    openaiUpstream.reply({
      ...openaiWire.completion(PIECES.join('')),
      stream: { pieces: PIECES, intervalMs: 50 },
    });
    const cancel = new AbortController();
    const streamed: string[] = [];

    const outcome = await chain().answer(request, null, {
      signal: cancel.signal,
      onDelta: (text) => {
        streamed.push(text);
        if (streamed.length === 3) cancel.abort();
      },
    });

    expect(outcome.ok).toBe(false);
    expect(outcome.attempts).toBe(1);
    expect(outcome.usage).toMatchObject({
      inputTokens: promptTokens(request),
      outputTokens: countTextTokens(streamed.join('')),
    });
    expect(outcome.usage!.outputTokens).toBeGreaterThan(0);
    expect(outcome.usage!.costUsd).toBeGreaterThan(0);
    expect(outcome).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
  });

  it('adds up every call: a stream cut mid-answer, its retry, and the fallback that answered', async () => {
    // OpenAI: cut after 3 pieces, then a 500; Hugging Face answers with its usage chunk.
    openaiUpstream.reply(
      {
        ...openaiWire.completion(PIECES.join('')),
        stream: { pieces: PIECES, intervalMs: 20, cutAfter: 3 },
      },
      openaiWire.error(500, { message: 'boom', type: 'server_error' }),
    );
    hfUpstream.reply(
      hfWire.completion('Photosynthesis.', {
        usage: { prompt_tokens: 100, completion_tokens: 20 },
      }),
    );

    // What reached us of the first call before its connection was cut.
    let firstCall = '';
    let restarted = false;
    const outcome = await chain().answer(request, null, {
      onDelta: (text) => {
        if (!restarted) firstCall += text;
      },
      onRestart: () => {
        restarted = true;
      },
    });

    expect(outcome).toMatchObject({ ok: true, attempts: 3 });
    expect(firstCall.length).toBeGreaterThan(0);
    const cut = countTextTokens(firstCall);
    expect(outcome.usage).toMatchObject({
      inputTokens: promptTokens(request) + 100,
      outputTokens: cut + 20,
    });
    // Each call at its own model's price: gpt-4o-mini for the cut one, Llama for the answer.
    const micros = promptTokens(request) * 0.15 + cut * 0.6 + 100 * 0.2 + 20 * 0.6;
    expect(outcome.usage!.costUsd).toBe(Math.round(micros) / 1e6);
  });

  it('counts nothing for a call that failed before any text', async () => {
    openaiUpstream.otherwise(
      openaiWire.error(401, { message: 'bad key', type: 'invalid_api_key' }),
    );
    hfUpstream.otherwise(hfWire.error(401, 'bad token'));

    const outcome = await chain().answer(request, null);

    expect(outcome).toMatchObject({ ok: false, usage: null });
  });
});
