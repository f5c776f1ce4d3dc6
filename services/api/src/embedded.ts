/**
 * `npm start`: API and worker in one process with the in-memory queue and store, so the service
 * answers with zero setup. The same domain code paths as the two production services.
 */
import { buildEmbeddedRuntime, createLogger, loadConfig } from '@iscoolgpt/shared';
import { buildApp } from './app.js';
import { hasPage } from './plugins/external/web-page.js';
import { localUrl, serve } from './serve.js';
import { WEB_ROOT } from './web-root.js';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL, { service: 'iscoolgpt', mode: 'embedded' });
const runtime = buildEmbeddedRuntime(config, logger);
const webRoot = config.WEB_DIST_DIR ?? WEB_ROOT;
const app = await buildApp({ jobs: runtime.jobs, config, logger, webRoot });
runtime.start();
await serve(app, config, { onClose: () => runtime.stop() });
const url = localUrl(app);
logger.info(
  { page: url, docs: `${url}docs` },
  'embedded mode: API and worker in one process, in-memory queue and store',
);
// The one line for the person who ran `npm start`, among the JSON logs.
process.stdout.write(
  hasPage(webRoot)
    ? `IsCoolGPT is running: open ${url} (API docs at ${url}docs)\n`
    : `IsCoolGPT API is running at ${url} (docs at ${url}docs); no study page is built: npm run build -w web\n`,
);
