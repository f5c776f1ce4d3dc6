/**
 * `npm run aws:bootstrap`: creates the jobs queue, its dead-letter queue and the jobs table on
 * local AWS (LocalStack or moto) with the CDK stack's settings, and prints the variables the two
 * services need:
 *
 *   set -a; eval "$(npm run --silent aws:bootstrap)"; set +a
 *
 * Endpoints as the AWS SDKs and CLI resolve them: AWS_ENDPOINT_URL_SQS and
 * AWS_ENDPOINT_URL_DYNAMODB each win over AWS_ENDPOINT_URL for their service (SQS on LocalStack,
 * DynamoDB on moto). Idempotent: run it again and it prints the same values. Real AWS is deployed
 * with the CDK stack (infra/), not with this script, so it refuses to run unless both services
 * have a local endpoint.
 */
import { ConfigError, loadConfig, requireAwsConfig } from '@iscoolgpt/shared';
import { bootstrapAwsResources, createAwsClients } from '@iscoolgpt/shared/aws';

const ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_DYNAMODB',
] as const;

try {
  const config = loadConfig();
  const { region, endpoints } = requireAwsConfig(config, ['AWS_REGION']);
  const without = [!endpoints.sqs && 'SQS', !endpoints.dynamodb && 'DynamoDB'].filter(Boolean);
  if (without.length > 0) {
    throw new ConfigError(
      `No local endpoint for ${without.join(' and ')}: set AWS_ENDPOINT_URL (LocalStack or moto, ` +
        'e.g. http://localhost:4566), or AWS_ENDPOINT_URL_SQS and AWS_ENDPOINT_URL_DYNAMODB per ' +
        'service' +
        (config.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
          ? ', and unset AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'
          : '') +
        '. Real AWS resources come from the CDK stack in infra/.',
    );
  }
  const clients = createAwsClients({ region, endpoints, maxSockets: 4 });
  try {
    const resources = await bootstrapAwsResources({ sqs: clients.sqs, dynamodb: clients.dynamodb });
    console.log(`AWS_REGION=${region}`);
    for (const name of ENDPOINT_VARIABLES) {
      if (config[name]) console.log(`${name}=${config[name]}`);
    }
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
