/**
 * `npm run aws:bootstrap`: creates the jobs queue, its dead-letter queue and the jobs table on the
 * local AWS that AWS_ENDPOINT_URL points to (LocalStack or moto), with the CDK stack's settings,
 * and prints the variables the two services need:
 *
 *   set -a; eval "$(npm run --silent aws:bootstrap)"; set +a
 *
 * Idempotent: run it again and it prints the same values. Real AWS is deployed with the CDK stack
 * (infra/), not with this script, so it refuses to run without AWS_ENDPOINT_URL.
 */
import { ConfigError, loadConfig, requireAwsConfig } from '@iscoolgpt/shared';
import { bootstrapAwsResources, createAwsClients } from '@iscoolgpt/shared/aws';

try {
  const config = loadConfig();
  const { region } = requireAwsConfig(config, ['AWS_REGION']);
  const endpoint = config.AWS_ENDPOINT_URL;
  if (!endpoint) {
    throw new ConfigError(
      'Missing required environment variable: AWS_ENDPOINT_URL (LocalStack or moto, e.g. ' +
        'http://localhost:4566). Real AWS resources come from the CDK stack in infra/.',
    );
  }
  const clients = createAwsClients({ region, endpoint, maxSockets: 4 });
  try {
    const resources = await bootstrapAwsResources({ sqs: clients.sqs, dynamodb: clients.dynamodb });
    console.log(`AWS_REGION=${region}`);
    console.log(`AWS_ENDPOINT_URL=${endpoint}`);
    console.log(`JOBS_QUEUE_URL=${resources.queueUrl}`);
    console.log(`JOBS_DLQ_URL=${resources.deadLetterQueueUrl}`);
    console.log(`JOBS_TABLE_NAME=${resources.tableName}`);
  } finally {
    clients.destroy();
  }
} catch (error) {
  console.error(`aws:bootstrap failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
