import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ImageRepositories } from './constructs/images/image-repositories.js';
import {
  PROVIDER_NAMES,
  PROVIDER_SECRETS,
  ProviderKeysSecret,
} from './constructs/secrets/provider-keys-secret.js';

export interface BaseStackProps extends StackProps {
  readonly envName: string;
}

/**
 * What must exist before the services can start: the image repositories (the CI pushes to them)
 * and the provider-key secrets (the operator fills them). Deployed first, and rarely again.
 */
export class BaseStack extends Stack {
  readonly images: ImageRepositories;
  readonly providerKeys: ProviderKeysSecret;

  constructor(scope: Construct, id: string, props: BaseStackProps) {
    super(scope, id, props);
    this.images = new ImageRepositories(this, 'Images', { envName: props.envName });
    this.providerKeys = new ProviderKeysSecret(this, 'ProviderKeys', { envName: props.envName });

    new CfnOutput(this, 'ApiRepositoryUri', { value: this.images.api.repositoryUri });
    new CfnOutput(this, 'WorkerRepositoryUri', { value: this.images.worker.repositoryUri });
    for (const provider of PROVIDER_NAMES) {
      const { variable } = PROVIDER_SECRETS[provider];
      new CfnOutput(this, `${variable.replace(/_/g, '')}SecretName`, {
        description: `put-secret-value the ${variable} here before the service stack's first deploy`,
        value: this.providerKeys.secrets[provider].secretName,
      });
    }
  }
}
