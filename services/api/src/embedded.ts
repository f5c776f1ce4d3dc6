/**
 * `npm start`: API and worker in one process with the in-memory queue and store, so the service
 * answers with zero setup. The same domain code paths as the two production services.
 */
import { buildEmbeddedRuntime, createLogger, loadConfig } from '@iscoolgpt/shared';
import { startTracing } from '@iscoolgpt/shared/tracing';
import { buildApp } from './app.js';
import { createIdentity } from './auth/identity.js';
import {
  createDevProvider,
  describeDevProvider,
  devIssuerUrls,
  devPageOrigins,
} from './dev-identity/provider.js';
import { hasPage } from './plugins/external/web-page.js';
import { localUrl, serve } from './serve.js';
import { WEB_ROOT } from './web-root.js';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL, { service: 'iscoolgpt', mode: 'embedded' });
const tracing = await startTracing(config, 'embedded', logger);
const runtime = buildEmbeddedRuntime(config, logger);
const webRoot = config.WEB_DIST_DIR ?? WEB_ROOT;
// Sign-in without any cloud: a development OpenID provider at /oidc, unless AUTH_ISSUER names one.
const devProvider = config.AUTH_ISSUER
  ? undefined
  : await createDevProvider(devIssuerUrls(config.PORT), {
      pageOrigins: devPageOrigins(config.PORT),
      teacherGroup: config.AUTH_TEACHER_GROUP,
    });
const app = await buildApp({
  jobs: runtime.jobs,
  conversations: runtime.conversations,
  config,
  logger,
  metrics: runtime.metrics,
  metricsExposition: runtime.exposition,
  identity: createIdentity(config, {
    mode: 'embedded',
    rateLimiter: runtime.rateLimiter,
    localIssuer: devProvider,
  }),
  devProvider,
  webRoot,
});
runtime.start();
await serve(app, config, {
  onClose: async () => {
    await runtime.stop();
    await tracing?.shutdown();
  },
});
const url = localUrl(app);
logger.info(
  { page: url, docs: `${url}docs` },
  'embedded mode: API and worker in one process, in-memory queue and store',
);
// The plain lines for the person who ran `npm start`, among the JSON logs: where, then who.
process.stdout.write(
  hasPage(webRoot)
    ? `IsCoolGPT is running: open ${url} (API docs at ${url}docs)\n`
    : `IsCoolGPT API is running at ${url} (docs at ${url}docs); no study page is built: npm run build -w web\n`,
);
// How to sign in, after the address (the development provider's demo accounts).
if (devProvider) process.stdout.write(`${describeDevProvider(devProvider, url).join('\n')}\n`);
