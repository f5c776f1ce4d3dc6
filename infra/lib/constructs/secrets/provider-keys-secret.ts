import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../../nag.js';

/**
 * One secret per LLM provider: the variable the worker reads it into, and the secret's name
 * suffix (`iscoolgpt/<env>/<name>`). Adding a provider adds a secret; it never touches another.
 */
export const PROVIDER_SECRETS = {
  openai: { variable: 'OPENAI_API_KEY', name: 'openai-api-key', issuer: 'OpenAI' },
  huggingface: { variable: 'HF_TOKEN', name: 'hf-token', issuer: 'Hugging Face' },
} as const;
export type ProviderName = keyof typeof PROVIDER_SECRETS;
export const PROVIDER_NAMES = Object.keys(PROVIDER_SECRETS) as ProviderName[];

export interface ProviderKeysSecretProps {
  readonly envName: string;
}

/**
 * The LLM provider keys, one Secrets Manager secret each, handed to the worker as ECS container
 * secrets (resolved by the agent at task start, never written into the task definition).
 *
 * CloudFormation creates each secret **empty**: the template holds neither a value nor a
 * generator, so no deploy, however the template changes, can write a version over the key an
 * operator put with `aws secretsmanager put-secret-value` (README, deploy steps). A secret
 * generated from a template would be regenerated, with every key in it, whenever that template
 * changed. Secrets are kept when the stack is deleted, like the image repositories (a create
 * that rolls back removes them: they are still empty then).
 */
export class ProviderKeysSecret extends Construct {
  readonly secrets: Record<ProviderName, secretsmanager.Secret>;

  constructor(scope: Construct, id: string, props: ProviderKeysSecretProps) {
    super(scope, id);
    this.secrets = Object.fromEntries(
      PROVIDER_NAMES.map((provider) => {
        const { variable, name, issuer } = PROVIDER_SECRETS[provider];
        const secret = new secretsmanager.Secret(this, variable, {
          secretName: `iscoolgpt/${props.envName}/${name}`,
          description: `IsCoolGPT ${issuer} key (${variable}) read by the worker; written out of band`,
          removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        });
        // The L2 generates a random value when given none; an empty secret has no property at all.
        (secret.node.defaultChild as secretsmanager.CfnSecret).addPropertyDeletionOverride(
          'GenerateSecretString',
        );
        acknowledge(secret, {
          id: 'AwsSolutions-SMG4',
          reason:
            `The value is a third-party API key (${issuer}) that only the provider can issue; a ` +
            'rotation Lambda cannot mint a new one. It is rotated by hand in the provider console ' +
            'and written with put-secret-value, as the README describes.',
        });
        return [provider, secret];
      }),
    ) as Record<ProviderName, secretsmanager.Secret>;
  }
}
