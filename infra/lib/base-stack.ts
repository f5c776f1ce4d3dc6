import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ImageRepositories } from './constructs/images/image-repositories.js';
import { ProviderKeysSecret } from './constructs/secrets/provider-keys-secret.js';

export interface BaseStackProps extends StackProps {
  readonly envName: string;
}

/**
 * What must exist before the services can start: the image repositories (the CI pushes to them)
 * and the provider-keys secret (the operator fills it). Deployed first, and rarely again.
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
    new CfnOutput(this, 'ProviderKeysSecretName', { value: this.providerKeys.secret.secretName });
  }
}
