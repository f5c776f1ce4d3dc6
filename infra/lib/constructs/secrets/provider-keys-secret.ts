import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../../nag.js';

/** The JSON keys of the provider secret; each becomes the same-named variable in the worker. */
export const PROVIDER_SECRET_KEYS = ['OPENAI_API_KEY', 'HF_TOKEN'] as const;
export type ProviderSecretKey = (typeof PROVIDER_SECRET_KEYS)[number];

export interface ProviderKeysSecretProps {
  readonly envName: string;
}

/**
 * The LLM provider keys, stored as one JSON secret and handed to the worker as ECS container
 * secrets (resolved by the agent at task start, never written into the task definition).
 * CloudFormation creates it with empty values; the operator writes the real keys once with
 * `aws secretsmanager put-secret-value` (see README). Later deploys never overwrite them: the
 * generated value is only produced when the secret is created.
 */
export class ProviderKeysSecret extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ProviderKeysSecretProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: `iscoolgpt/${props.envName}/provider-keys`,
      description:
        'IsCoolGPT LLM provider keys (JSON: OPENAI_API_KEY, HF_TOKEN) read by the worker',
      generateSecretString: {
        // Every key the worker maps must exist, or ECS fails the task at start.
        secretStringTemplate: JSON.stringify(
          Object.fromEntries(PROVIDER_SECRET_KEYS.map((key) => [key, ''])),
        ),
        generateStringKey: 'placeholder',
        excludePunctuation: true,
      },
    });
    acknowledge(this.secret, {
      id: 'AwsSolutions-SMG4',
      reason:
        'The values are third-party API keys (OpenAI, Hugging Face) that only the provider can ' +
        'issue; a rotation Lambda cannot mint new ones. They are rotated by hand in the provider ' +
        'console and written with put-secret-value, as the README describes.',
    });
  }
}
