/**
 * `npm run start:api`: the production API service. Jobs go to DynamoDB and SQS; the worker service
 * answers them. Exits 1, naming the variable, when the AWS settings are missing.
 */
import { gatewaySettings } from '@iscoolgpt/shared';
import { buildAwsApiRuntime, configureAwsProcess } from '@iscoolgpt/shared/aws';
import { startTracing } from '@iscoolgpt/shared/tracing';
import { buildApp } from './app.js';
import { createIdentity } from './auth/identity.js';
import { serve } from './serve.js';
import { WEB_ROOT } from './web-root.js';

const { config, aws, logger } = configureAwsProcess('api');
// Before anything is served: requests and the calls they make are traced from the first one.
const tracing = await startTracing(config, 'api', logger);
const runtime = buildAwsApiRuntime(config, aws, logger);
// Behind API Gateway, a request without a bearer token is the app whose API key the gateway names.
const identity = createIdentity(config, {
  mode: 'api',
  rateLimiter: runtime.rateLimiter,
  callerHeader: gatewaySettings.callerHeader,
});
const app = await buildApp({
  jobs: runtime.jobs,
  conversations: runtime.conversations,
  config,
  logger,
  metrics: runtime.metrics,
  metricsExposition: runtime.exposition,
  identity,
  webRoot: config.WEB_DIST_DIR ?? WEB_ROOT,
});
await serve(app, config, {
  onClose: async () => {
    await runtime.close();
    await tracing?.shutdown();
  },
});
logger.info(
  {
    queueUrl: aws.queueUrl,
    tableName: aws.tableName,
    authIssuer: identity.issuer ?? null,
    allowAnonymous: identity.allowAnonymous,
  },
  'api service started',
);
