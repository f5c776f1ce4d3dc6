import {
  buildEmbeddedRuntime,
  loadConfig,
  type Config,
  type MemoryJobStore,
} from '@iscoolgpt/shared';
import { afterAll } from 'vitest';
import { captureLogs } from '../../../../shared/test/support/logs.js';
import { QUOTAS_OFF } from '../../../../shared/test/support/quotas.js';
import { buildApp, type App, type AppOptions } from '../../src/app.js';
import { createIdentity, type IdentityOptions } from '../../src/auth/identity.js';

export interface TestApp {
  app: App;
  config: Config;
  /** The embedded store, to check what was (or was not) stored. */
  store: MemoryJobStore;
  /** Every log line the app and its worker wrote, parsed. */
  logs: Record<string, unknown>[];
}

export interface BuildOptions
  extends
    Pick<AppOptions, 'eventStream' | 'webRoot' | 'devProvider'>,
    Partial<Pick<IdentityOptions, 'mode' | 'callerHeader' | 'localIssuer'>> {
  /** The quotas' clock, for a test that moves it past midnight. */
  now?: () => number;
}

/**
 * Builds the embedded app (API + in-process worker, in-memory adapters) from an environment, as
 * `npm start` does, and closes it after the test file. `callerHeader` makes the gateway's header
 * an app principal as the API service does behind API Gateway; `mode: 'api'` authenticates as
 * `start:api` does (no anonymous requests unless ALLOW_ANONYMOUS=true).
 */
export async function build(
  env: Record<string, string> = {},
  { mode = 'embedded', callerHeader, localIssuer, now, ...options }: BuildOptions = {},
): Promise<TestApp> {
  // The offline demo provider answers at once here (its default pace is ~30 words/s): these
  // tests measure the API's path, not the demo's pace; a test that wants a slow answer says so.
  // They measure the model's path too: the answer cache is off (on by default in `npm start`),
  // so that asking a question twice asks the model twice; the cache's own tests turn it on.
  // Quotas are off too (many asks, many at once, one principal); their own tests set limits.
  const config = loadConfig({
    LOG_LEVEL: 'info',
    OFFLINE_PROVIDER_DELAY_MS: '0',
    ANSWER_CACHE: 'off',
    ...QUOTAS_OFF,
    ...env,
  });
  // The production logger options (redaction included), writing to memory instead of stdout.
  const captured = captureLogs('info');
  const runtime = buildEmbeddedRuntime(config, captured.logger, undefined, now ? { now } : {});
  const identity = createIdentity(config, {
    mode,
    rateLimiter: runtime.rateLimiter,
    callerHeader,
    localIssuer,
  });
  const app = await buildApp({
    jobs: runtime.jobs,
    conversations: runtime.conversations,
    config,
    logger: captured.logger,
    identity,
    metrics: runtime.metrics,
    metricsExposition: runtime.exposition,
    ...options,
  });
  runtime.start();
  afterAll(async () => {
    await app.close();
    await runtime.stop();
  });
  return {
    app,
    config,
    store: runtime.store,
    get logs() {
      return captured.entries();
    },
  };
}
