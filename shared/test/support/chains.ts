import { ProviderChain } from '../../src/providers/chain.js';
import { HuggingFaceProvider } from '../../src/providers/huggingface.js';
import { OpenAIProvider } from '../../src/providers/openai.js';
import type { PriceTable } from '../../src/providers/prices.js';
import { retryingCall } from '../../src/providers/retry.js';
import { captureLogs } from './logs.js';

/**
 * The chain OpenAI → Hugging Face, each at a fake server's URL, under the retry policy with
 * millisecond backoff (these tests need the order of events, not production's pauses).
 */
export function openaiThenHuggingFace(
  urls: { openai: string; huggingface: string },
  options: { maxAttempts?: number; prices?: PriceTable } = {},
): ProviderChain {
  return new ProviderChain(
    [
      new OpenAIProvider({
        apiKey: 'sk-test',
        model: 'gpt-4o-mini',
        baseURL: `${urls.openai}/v1`,
        maxOutputTokens: 1024,
      }),
      new HuggingFaceProvider({
        token: 'hf_test',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        endpointUrl: urls.huggingface,
        maxOutputTokens: 1024,
      }),
    ],
    retryingCall({
      maxAttempts: options.maxAttempts ?? 3,
      timeoutMs: 5_000,
      minDelayMs: 1,
      maxDelayMs: 5,
      logger: captureLogs().logger,
    }),
    options.prices,
  );
}
