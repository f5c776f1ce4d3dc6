import { describe, expect, it } from 'vitest';
import { availableProviders, loadConfig, providersWithKeys } from '../src/config.js';

describe('which providers a request may name', () => {
  it('in the API service, LLM_PROVIDERS: the workers hold the keys, the API holds none', () => {
    const config = loadConfig({ LLM_PROVIDERS: 'huggingface,openai' });
    expect(availableProviders(config)).toEqual(['huggingface', 'openai']);
  });

  it('without LLM_PROVIDERS, the providers whose key is set in the process', () => {
    expect(availableProviders(loadConfig({ HF_TOKEN: 'hf_x' }))).toEqual(['huggingface']);
    expect(availableProviders(loadConfig({}))).toEqual([]);
  });

  it('in embedded mode, only those the in-process worker can call: listed and with a key', () => {
    const config = loadConfig({ LLM_PROVIDERS: 'huggingface,openai', OPENAI_API_KEY: 'sk-x' });
    expect(providersWithKeys(config)).toEqual(['openai']);
  });
});
