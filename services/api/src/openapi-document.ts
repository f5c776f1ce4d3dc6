import { buildEmbeddedRuntime, createLogger, loadConfig } from '@iscoolgpt/shared';
import { buildApp } from './app.js';
import { createIdentity } from './auth/identity.js';

/** The OpenAPI 3 document @fastify/swagger builds, as far as its readers here look into it. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths?: Record<string, Record<string, unknown> | undefined>;
  readonly [field: string]: unknown;
}

/**
 * The OpenAPI document the embedded server serves at /docs/json, built in-process from the app
 * (`buildApp` on the embedded in-memory runtime, no provider keys: what `npm start` serves)
 * rather than fetched from a running server. Read by the page's type generator
 * (web/scripts/api-types.ts) and by infra's test that API Gateway routes every documented path.
 */
export async function embeddedOpenApiDocument(): Promise<OpenApiDocument> {
  // A fixed environment (not this shell's): the document must not depend on who builds it.
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const logger = createLogger('silent', {});
  const runtime = buildEmbeddedRuntime(config, logger);
  const identity = createIdentity(config, { mode: 'embedded', rateLimiter: runtime.rateLimiter });
  const app = await buildApp({
    jobs: runtime.jobs,
    conversations: runtime.conversations,
    config,
    logger,
    identity,
  });
  try {
    await app.ready();
    // @fastify/swagger types it as any version's document (2, 3 or 3.1); ours is OpenAPI 3.
    return app.swagger() as unknown as OpenApiDocument;
  } finally {
    await app.close();
    await runtime.stop();
  }
}
