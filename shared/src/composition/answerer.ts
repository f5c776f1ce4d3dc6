import { PROVIDER_KEY_VARIABLES, providersWithKeys, type Config } from '../config.js';
import type { ProviderName } from '../domain/job.js';
import type { AnswerProvider, Logger } from '../domain/ports.js';
import { callOnce, ProviderChain } from '../providers/chain.js';
import { PriceTable } from '../providers/prices.js';
import { HF_ROUTER_URL, HuggingFaceProvider } from '../providers/huggingface.js';
import { OfflineProvider } from '../providers/offline.js';
import { OPENAI_DEFAULT_BASE_URL, OpenAIProvider } from '../providers/openai.js';
import { retryingCall, type RetryPolicyOptions } from '../providers/retry.js';

/** Backoff settings tests shorten; everything else comes from the environment. */
export type BackoffOverrides = Pick<
  RetryPolicyOptions,
  'minDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs' | 'maxElapsedMs'
>;

/**
 * The providers this process may call, in chain order (LLM_PROVIDERS, or every provider with a key,
 * OpenAI first; a provider without its key is left out), each asked under the one retry policy.
 * With no key configured, the offline demo provider answers alone, and start-up says so loudly.
 */
export function buildAnswerer(
  config: Config,
  logger: Logger,
  backoff: BackoffOverrides = {},
): ProviderChain {
  const hasKey = (name: ProviderName) => Boolean(config[PROVIDER_KEY_VARIABLES[name]]);
  const names = providersWithKeys(config);
  // A deployment may list every provider and hold keys for only some: leave those out, loudly.
  for (const name of config.LLM_PROVIDERS?.filter((listed) => !hasKey(listed)) ?? []) {
    const missing = PROVIDER_KEY_VARIABLES[name];
    logger.warn(
      { provider: name, missing },
      `LLM_PROVIDERS lists ${name}, but ${missing} is not set: ${name} is left out of the chain`,
    );
  }
  if (names.length === 0) {
    logger.warn(
      { provider: 'offline', enableWith: Object.values(PROVIDER_KEY_VARIABLES) },
      'No LLM provider key is configured: answering with the OFFLINE DEMO provider, which calls no model. ' +
        'Set OPENAI_API_KEY (and optionally OPENAI_BASE_URL) or HF_TOKEN (and optionally HF_ENDPOINT_URL) for real answers.',
    );
    const offline = new OfflineProvider({
      delayMs: config.OFFLINE_PROVIDER_DELAY_MS,
      wordsPerSecond: config.OFFLINE_PROVIDER_WORDS_PER_SECOND,
    });
    return new ProviderChain([offline], callOnce, new PriceTable(config.LLM_PRICES));
  }
  const call = retryingCall({
    maxAttempts: config.LLM_MAX_ATTEMPTS,
    timeoutMs: config.LLM_TIMEOUT_SECONDS * 1000,
    logger,
    ...backoff,
  });
  logger.info(
    {
      chain: names.map((name) => ({ provider: name, ...describe(config, name) })),
      maxAttempts: config.LLM_MAX_ATTEMPTS,
      timeoutSeconds: config.LLM_TIMEOUT_SECONDS,
      maxOutputTokens: config.LLM_MAX_OUTPUT_TOKENS,
    },
    'LLM providers configured',
  );
  return new ProviderChain(
    names.map((name) => createProvider(config, name)),
    call,
    new PriceTable(config.LLM_PRICES),
  );
}

function createProvider(config: Config, name: ProviderName): AnswerProvider {
  // Only providers with a key get here.
  switch (name) {
    case 'openai':
      return new OpenAIProvider({
        apiKey: config.OPENAI_API_KEY ?? '',
        model: config.OPENAI_MODEL,
        baseURL: config.OPENAI_BASE_URL,
        maxOutputTokens: config.LLM_MAX_OUTPUT_TOKENS,
      });
    case 'huggingface':
      return new HuggingFaceProvider({
        token: config.HF_TOKEN ?? '',
        model: config.HF_MODEL,
        endpointUrl: config.HF_ENDPOINT_URL,
        maxOutputTokens: config.LLM_MAX_OUTPUT_TOKENS,
      });
  }
}

/** What start-up logs about a provider: its model and host, never its key or URL credentials. */
function describe(config: Config, name: ProviderName) {
  const [model, url] =
    name === 'openai'
      ? [config.OPENAI_MODEL, config.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL]
      : [config.HF_MODEL, config.HF_ENDPOINT_URL ?? HF_ROUTER_URL];
  return { model, host: new URL(url).host };
}
