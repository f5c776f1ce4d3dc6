import { Writable } from 'node:stream';
import { buildEmbeddedRuntime, loadConfig, loggerOptions, type Config } from '@iscoolgpt/shared';
import { pino } from 'pino';
import { afterAll } from 'vitest';
import { buildApp, type App } from '../../src/app.js';

export interface TestApp {
  app: App;
  config: Config;
  /** Every log line the app and its worker wrote, parsed. */
  logs: Record<string, unknown>[];
}

/**
 * Builds the embedded app (API + in-process worker, in-memory adapters) from an environment, as
 * `npm start` does, and closes it after the test file.
 */
export async function build(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ LOG_LEVEL: 'info', ...env });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  // The same options (redaction included) as production, writing to memory instead of stdout.
  const logger = pino(loggerOptions('info', { service: 'test' }), sink);
  const runtime = buildEmbeddedRuntime(config, logger);
  const app = await buildApp({ jobs: runtime.jobs, config, logger });
  runtime.start();
  afterAll(async () => {
    await app.close();
    await runtime.stop();
  });
  return { app, config, logs };
}
