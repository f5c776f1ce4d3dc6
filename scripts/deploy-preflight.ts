/**
 * Checks, before the service stack is deployed, the two things a first deploy in a fresh account
 * cannot fix by itself, and says what to do about each:
 *
 * - API Gateway's CloudWatch role (one per account and region, the IsCoolGpt-Account stack):
 *   without it the stage's access and execution logging fails the deploy.
 * - A value in the secret of every provider in the chain: ECS cannot start a worker whose secret
 *   is empty, and the circuit breaker then rolls the whole deploy back.
 *
 * It takes the same `-c key=value` flags as `cdk deploy`, so it checks the providers that deploy
 * would configure. It reads whether a secret has a value (DescribeSecret), never the value.
 *
 *   npx tsx scripts/deploy-preflight.ts -c env=prod -c region=eu-west-1 [-c llmProviders=openai]
 */
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import {
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { pathToFileURL } from 'node:url';
import { readConfig } from '../infra/lib/config.js';
import {
  PROVIDER_SECRETS,
  type ProviderName,
} from '../infra/lib/constructs/secrets/provider-keys-secret.js';

export interface PreflightClients {
  readonly apiGateway: APIGatewayClient;
  readonly secrets: SecretsManagerClient;
}

/** What is missing, one sentence each saying what to do; empty when the deploy may go ahead. */
export async function deployPreflight(
  context: Record<string, string>,
  clients: PreflightClients,
): Promise<string[]> {
  const config = readConfig((key) => context[key]);
  const problems: string[] = [];

  const account = await clients.apiGateway.send(new GetAccountCommand({}));
  if (!account.cloudwatchRoleArn) {
    problems.push(
      `API Gateway has no CloudWatch role in this account for ${config.region}, so the stage's ` +
        'logging would fail the deploy. Deploy the account stack once, with administrator ' +
        `credentials: npm run cdk -w infra -- deploy IsCoolGpt-Account -c region=${config.region} ` +
        '(docs/release.md, "First deploy").',
    );
  }

  const providers = config.app.llmProviders.split(',').map((name) => name.trim()) as ProviderName[];
  for (const provider of providers) {
    const { variable, name } = PROVIDER_SECRETS[provider];
    const secretId = `iscoolgpt/${config.envName}/${name}`;
    let hasValue: boolean;
    try {
      const secret = await clients.secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
      hasValue = Object.values(secret.VersionIdsToStages ?? {}).some((stages) =>
        stages.includes('AWSCURRENT'),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      problems.push(
        `The secret ${secretId} does not exist: deploy IsCoolGpt-${config.envName}-Base first ` +
          '(docs/release.md, "First deploy").',
      );
      continue;
    }
    if (!hasValue) {
      problems.push(
        `The secret ${secretId} has no value, and ECS cannot start a worker without ${variable}. ` +
          `Put the key: aws secretsmanager put-secret-value --secret-id ${secretId} ` +
          `--secret-string file://${name}.txt, or leave ${provider} out of -c llmProviders.`,
      );
    }
  }
  return problems;
}

/** `-c key=value` pairs (as the CDK CLI takes them) into a context object. */
export function parseContextFlags(args: string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const pair = flag === '-c' || flag === '--context' ? args[++i] : undefined;
    const match = pair === undefined ? undefined : /^([^=]+)=(.*)$/.exec(pair);
    if (!match) throw new Error(`expected -c key=value, got: ${flag} ${pair ?? ''}`.trim());
    context[match[1]!] = match[2]!;
  }
  return context;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const context = parseContextFlags(process.argv.slice(2));
  const region = readConfig((key) => context[key], process.env).region;
  const problems = await deployPreflight(context, {
    apiGateway: new APIGatewayClient({ region }),
    secrets: new SecretsManagerClient({ region }),
  });
  // In a GitHub workflow each problem becomes an error annotation on the run.
  const prefix = process.env.GITHUB_ACTIONS === 'true' ? '::error::' : 'deploy preflight: ';
  for (const problem of problems) console.error(`${prefix}${problem}`);
  if (problems.length > 0) process.exitCode = 1;
  else console.log('deploy preflight: API Gateway logging role and provider keys are in place');
}
