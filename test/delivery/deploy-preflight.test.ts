/**
 * The deploy workflow's check before the service stack (scripts/deploy-preflight.ts), against
 * local AWS: in a fresh account it stops the deploy, saying what to do, until API Gateway has its
 * logging role and every provider in the chain has a key; then it lets the deploy go ahead.
 */
import { randomUUID } from 'node:crypto';
import { APIGatewayClient, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployPreflight, parseContextFlags } from '../../scripts/deploy-preflight.js';
import { localAws } from '../support/aws-suite.js';
import { DUMMY_AWS_ENV } from '../support/local-aws.js';

// A name of its own: other suites share the local AWS account.
const env = `pf${randomUUID().slice(0, 6)}`;
const context = {
  env,
  region: DUMMY_AWS_ENV.AWS_REGION,
  llmProviders: 'openai,huggingface',
  alarmEmail: 'oncall@example.com',
};
let apiGateway: APIGatewayClient;
let secrets: SecretsManagerClient;
const clients = () => ({ apiGateway, secrets });
const setLoggingRole = (arn: string) =>
  apiGateway.send(
    new UpdateAccountCommand({
      patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: arn }],
    }),
  );

beforeAll(() => {
  // The server behind DynamoDB: moto, started for every run (LocalStack, when it serves SQS
  // here, runs no API Gateway), or the endpoint the environment gives (CI's LocalStack, which runs
  // every service). Both implement API Gateway's account settings and Secrets Manager.
  const options = { region: DUMMY_AWS_ENV.AWS_REGION, endpoint: localAws().endpoints.dynamodb };
  apiGateway = new APIGatewayClient(options);
  secrets = new SecretsManagerClient(options);
});

afterAll(async () => {
  for (const name of ['openai-api-key', 'hf-token']) {
    await secrets
      .send(
        new DeleteSecretCommand({
          SecretId: `iscoolgpt/${env}/${name}`,
          ForceDeleteWithoutRecovery: true,
        }),
      )
      .catch(() => {});
  }
  apiGateway?.destroy();
  secrets?.destroy();
});

describe('the deploy preflight', () => {
  it('stops a deploy into an account without the base stack, naming the stack to deploy', async () => {
    const problems = await deployPreflight(context, clients());
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`deploy IsCoolGpt-${env}-Base first`),
        expect.stringContaining(`iscoolgpt/${env}/hf-token does not exist`),
      ]),
    );
  });

  it('stops while API Gateway has no logging role, naming the account stack to deploy', async () => {
    await setLoggingRole('');
    const problems = await deployPreflight(context, clients());
    expect(problems).toContainEqual(
      expect.stringMatching(/no CloudWatch role[\s\S]*deploy IsCoolGpt-Account/),
    );
  });

  it('stops on each empty provider secret, with the put-secret-value to run', async () => {
    // As the base stack creates them: no value at all.
    for (const name of ['openai-api-key', 'hf-token']) {
      await secrets.send(new CreateSecretCommand({ Name: `iscoolgpt/${env}/${name}` }));
    }
    await secrets.send(
      new PutSecretValueCommand({
        SecretId: `iscoolgpt/${env}/openai-api-key`,
        SecretString: 'sk-test-not-a-real-key',
      }),
    );
    const problems = await deployPreflight(context, clients());
    const secretProblems = problems.filter((p) => p.includes('secret'));
    expect(secretProblems).toEqual([
      expect.stringContaining(
        `aws secretsmanager put-secret-value --secret-id iscoolgpt/${env}/hf-token`,
      ),
    ]);
    expect(secretProblems[0]).toContain('HF_TOKEN');
    // The key never appears in what it says.
    expect(problems.join('\n')).not.toContain('sk-test-not-a-real-key');
  });

  it('checks only the providers in the chain: one left out needs no key', async () => {
    const problems = await deployPreflight({ ...context, llmProviders: 'openai' }, clients());
    expect(problems.filter((p) => p.includes('secret'))).toEqual([]);
  });

  it('lets the deploy go ahead once the logging role and every key are in place', async () => {
    await setLoggingRole('arn:aws:iam::123456789012:role/apigateway-cloudwatch');
    await secrets.send(
      new PutSecretValueCommand({
        SecretId: `iscoolgpt/${env}/hf-token`,
        SecretString: 'hf_test_not_a_real_token',
      }),
    );
    expect(await deployPreflight(context, clients())).toEqual([]);
  });

  it('reads the same -c key=value flags as cdk deploy', () => {
    expect(
      parseContextFlags(['-c', 'env=prod', '--context', 'alarmEmail=a=b@example.com']),
    ).toEqual({ env: 'prod', alarmEmail: 'a=b@example.com' });
    expect(() => parseContextFlags(['env=prod'])).toThrow(/-c key=value/);
  });
});
