import { describe, expect, it } from 'vitest';
import { buildAnswerer } from '../../src/composition/answerer.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { hfWire, openaiWire, useFakeLlmServer } from '../support/fake-llm.js';
import { captureLogs } from '../support/logs.js';
import { studyRequest } from '../support/requests.js';

const OPENAI_KEY = 'sk-test-answerer-0123456789abcdef';
const HF_TOKEN = 'hf_testanswerer0123456789abcdef';
const FAST = { minDelayMs: 1, maxDelayMs: 5 };
const request = studyRequest({ question: 'What is entropy?' });

const openaiUpstream = useFakeLlmServer();
const hfUpstream = useFakeLlmServer();

const bothKeys = () => ({
  OPENAI_API_KEY: OPENAI_KEY,
  OPENAI_BASE_URL: `${openaiUpstream.url}/v1`,
  HF_TOKEN,
  HF_ENDPOINT_URL: hfUpstream.url,
});

describe('building the provider chain from the environment', () => {
  it('answers with the offline demo provider, and warns loudly, when no key is set', async () => {
    const logs = captureLogs();

    // Delay 0: the answer at once, not at the demo's default pace (offline.test.ts tests that).
    const answerer = buildAnswerer(loadConfig({ OFFLINE_PROVIDER_DELAY_MS: '0' }), logs.logger);

    expect(answerer.names).toEqual(['offline']);
    const outcome = await answerer.answer(request, null);
    expect(outcome).toMatchObject({ ok: true, answer: { provider: 'offline' } });
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining('OFFLINE DEMO') }),
    );
  });

  it('chains every provider with a key, OpenAI first, by default', () => {
    expect(buildAnswerer(loadConfig(bothKeys()), captureLogs().logger).names).toEqual([
      'openai',
      'huggingface',
    ]);
  });

  it('uses only the providers that have a key', () => {
    const config = loadConfig({ HF_TOKEN, HF_ENDPOINT_URL: hfUpstream.url });
    expect(buildAnswerer(config, captureLogs().logger).names).toEqual(['huggingface']);
  });

  it('follows the order LLM_PROVIDERS gives', async () => {
    const config = loadConfig({ ...bothKeys(), LLM_PROVIDERS: 'huggingface, openai' });
    hfUpstream.reply(hfWire.completion('from Hugging Face'));

    const answerer = buildAnswerer(config, captureLogs().logger, FAST);

    expect(answerer.names).toEqual(['huggingface', 'openai']);
    expect(await answerer.answer(request, null)).toMatchObject({
      ok: true,
      answer: { provider: 'huggingface' },
    });
    expect(openaiUpstream.requests).toHaveLength(0);
  });

  it('leaves out a provider with a key that LLM_PROVIDERS does not list', () => {
    const config = loadConfig({ ...bothKeys(), LLM_PROVIDERS: 'openai' });
    expect(buildAnswerer(config, captureLogs().logger).names).toEqual(['openai']);
  });

  it('leaves out, with a warning naming the variable, a listed provider without its key', () => {
    const logs = captureLogs();
    const config = loadConfig({
      LLM_PROVIDERS: 'huggingface,openai',
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: `${openaiUpstream.url}/v1`,
    });

    expect(buildAnswerer(config, logs.logger).names).toEqual(['openai']);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({
        level: 40,
        provider: 'huggingface',
        missing: 'HF_TOKEN',
        msg: 'LLM_PROVIDERS lists huggingface, but HF_TOKEN is not set: huggingface is left out of the chain',
      }),
    );
  });

  it('falls back to the offline demo provider when no listed provider has a key', () => {
    const logs = captureLogs();

    const answerer = buildAnswerer(
      loadConfig({ LLM_PROVIDERS: 'openai,huggingface' }),
      logs.logger,
    );

    expect(answerer.names).toEqual(['offline']);
    expect(logs.text()).toContain('OFFLINE DEMO');
  });

  it('calls each provider at most LLM_MAX_ATTEMPTS times', async () => {
    const config = loadConfig({ ...bothKeys(), LLM_PROVIDERS: 'openai', LLM_MAX_ATTEMPTS: '2' });
    openaiUpstream.otherwise(
      openaiWire.error(503, { message: 'overloaded', type: 'server_error' }),
    );

    const outcome = await buildAnswerer(config, captureLogs().logger, FAST).answer(request, null);

    expect(outcome).toMatchObject({ ok: false, attempts: 2 });
    expect(openaiUpstream.requests).toHaveLength(2);
  });

  it('abandons a call after LLM_TIMEOUT_SECONDS', async () => {
    const config = loadConfig({
      ...bothKeys(),
      LLM_PROVIDERS: 'openai',
      LLM_TIMEOUT_SECONDS: '0.2',
      LLM_MAX_ATTEMPTS: '1',
    });
    openaiUpstream.otherwise({ ...openaiWire.completion('late'), delayMs: 3_000 });

    const outcome = await buildAnswerer(config, captureLogs().logger, FAST).answer(request, null);

    expect(outcome).toMatchObject({ ok: false, error: { code: 'provider_timeout' } });
  });

  it('logs the chain with models and hosts at start-up, never a key', () => {
    const logs = captureLogs();

    buildAnswerer(loadConfig(bothKeys()), logs.logger);

    const [configured] = logs.entries().filter((entry) => entry.msg === 'LLM providers configured');
    const host = (url: string) => new URL(url).host;
    expect(configured?.chain).toEqual([
      { provider: 'openai', model: 'gpt-4o-mini', host: host(openaiUpstream.url) },
      {
        provider: 'huggingface',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        host: host(hfUpstream.url),
      },
    ]);
    expect(logs.text()).not.toContain(OPENAI_KEY);
    expect(logs.text()).not.toContain(HF_TOKEN);
  });
});

describe('provider configuration errors', () => {
  const invalid = (env: Record<string, string>) => () => loadConfig(env);

  it('refuses an unknown or repeated provider name', () => {
    expect(invalid({ LLM_PROVIDERS: 'openai,anthropic', OPENAI_API_KEY: OPENAI_KEY })).toThrow(
      /LLM_PROVIDERS/,
    );
    expect(invalid({ LLM_PROVIDERS: 'openai,openai', OPENAI_API_KEY: OPENAI_KEY })).toThrow(
      'lists a provider twice',
    );
  });

  it('refuses a call timeout as long as the queue visibility timeout', () => {
    expect(invalid({ LLM_TIMEOUT_SECONDS: '120' })).toThrow(ConfigError);
    expect(invalid({ LLM_TIMEOUT_SECONDS: '120' })).toThrow(
      'LLM_TIMEOUT_SECONDS: must be shorter than the queue visibility timeout (120 s)',
    );
    expect(loadConfig({ LLM_TIMEOUT_SECONDS: '0.5' }).LLM_TIMEOUT_SECONDS).toBe(0.5);
  });

  it('refuses zero or more than 10 attempts', () => {
    expect(invalid({ LLM_MAX_ATTEMPTS: '0' })).toThrow(/LLM_MAX_ATTEMPTS/);
    expect(invalid({ LLM_MAX_ATTEMPTS: '11' })).toThrow(/LLM_MAX_ATTEMPTS/);
  });

  it('never echoes a key in a configuration error', () => {
    const error = (() => {
      try {
        loadConfig({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: 'not a url' });
      } catch (thrown) {
        return thrown as Error;
      }
    })();
    expect(error?.message).toContain('OPENAI_BASE_URL');
    expect(error?.message).not.toContain(OPENAI_KEY);
  });
});
