/**
 * `npm run start:worker`: the worker service. Takes jobs from SQS, asks the LLM providers, stores
 * outcomes in DynamoDB. On SIGTERM it opens no new poll, answers what the long polls under way
 * still bring (never handing a message back, which would spend its receives), lets the jobs in
 * hand finish (at most SHUTDOWN_TIMEOUT_SECONDS; unfinished ones are redelivered to another
 * worker) and exits 0.
 * With METRICS_PORT set, it serves its Prometheus text at `GET /metrics` on that port.
 */
import { configureAwsProcess, startAwsWorker } from '@iscoolgpt/shared/aws';
import { startTracing } from '@iscoolgpt/shared/tracing';
import closeWithGrace from 'close-with-grace';
import { listenForMetrics } from './metrics-listener.js';

const { config, aws, logger } = configureAwsProcess('worker', [
  'AWS_REGION',
  'JOBS_QUEUE_URL',
  'JOBS_DLQ_URL',
  'JOBS_TABLE_NAME',
]);

const tracing = await startTracing(config, 'worker', logger);
const worker = await startAwsWorker(config, aws, logger).catch((error: unknown) => {
  logger.fatal({ err: error }, 'cannot start: the jobs queue or table is not reachable');
  process.exit(1);
});
const metrics =
  config.METRICS_PORT === undefined
    ? undefined
    : await listenForMetrics(
        worker.exposition,
        { port: config.METRICS_PORT, host: config.HOST },
        logger,
      );

closeWithGrace(
  {
    // A backstop only: stop() itself gives up on unfinished jobs after SHUTDOWN_TIMEOUT_SECONDS.
    delay: (config.SHUTDOWN_TIMEOUT_SECONDS + 5) * 1000,
    logger: { error: (message: unknown) => logger.error({ detail: String(message) }, 'shutdown') },
  },
  async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down: no new jobs; finishing the jobs in hand');
    await worker.stop();
    await metrics?.close();
    // Last: the jobs in hand ended their spans on the way out.
    await tracing?.shutdown();
  },
);
