/**
 * `npm start`: API and worker in one process with the in-memory queue and store, so the service
 * answers with zero setup. The same domain code paths as the two production services.
 */
import { buildEmbeddedRuntime, createLogger, loadConfig } from '@iscoolgpt/shared';
import { buildApp } from './app.js';
import { serve } from './serve.js';
import { WEB_ROOT } from './web-root.js';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL, { service: 'iscoolgpt', mode: 'embedded' });
const runtime = buildEmbeddedRuntime(config, logger);
const app = await buildApp({
  jobs: runtime.jobs,
  config,
  logger,
  webRoot: config.WEB_DIST_DIR ?? WEB_ROOT,
});
runtime.start();
await serve(app, config, { onClose: () => runtime.stop() });
logger.info(
  { page: `http://localhost:${config.PORT}/`, docs: `http://localhost:${config.PORT}/docs` },
  'embedded mode: API and worker in one process, in-memory queue and store',
);
