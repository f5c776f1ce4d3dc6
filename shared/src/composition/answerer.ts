import type { Config } from '../config.js';
import type { AnswerProvider, Logger } from '../domain/ports.js';
import { ProviderChain } from '../providers/chain.js';
import { OfflineProvider } from '../providers/offline.js';

/**
 * The providers this process may call, in chain order. With no key configured, the offline demo
 * provider answers alone, and start-up says so loudly.
 */
export function buildAnswerer(config: Config, logger: Logger): ProviderChain {
  const providers: AnswerProvider[] = [];
  if (providers.length === 0) {
    logger.warn(
      { provider: 'offline', enableWith: ['OPENAI_API_KEY', 'HF_TOKEN'] },
      'No LLM provider key is configured: answering with the OFFLINE DEMO provider, which calls no model. ' +
        'Set OPENAI_API_KEY (and optionally OPENAI_BASE_URL) or HF_TOKEN (and optionally HF_ENDPOINT_URL) for real answers.',
    );
    providers.push(new OfflineProvider({ delayMs: config.OFFLINE_PROVIDER_DELAY_MS }));
  }
  return new ProviderChain(providers);
}
