import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { GithubRoles } from './constructs/ci/github-roles.js';
import { ImageRepositories } from './constructs/images/image-repositories.js';
import {
  PROVIDER_NAMES,
  PROVIDER_SECRETS,
  ProviderKeysSecret,
} from './constructs/secrets/provider-keys-secret.js';

export interface BaseStackProps extends StackProps {
  readonly envName: string;
  /** `owner/repo` of the GitHub deploy workflow; its roles are created only when given. */
  readonly githubRepository: string | undefined;
}

/**
 * What must exist before the services can start: the image repositories (the CI pushes to them),
 * the provider-key secrets (the operator fills them) and, for a GitHub deploy workflow, its two
 * roles. Deployed first, and rarely again.
 */
export class BaseStack extends Stack {
  readonly images: ImageRepositories;
  readonly providerKeys: ProviderKeysSecret;
  readonly githubRoles: GithubRoles | undefined;

  constructor(scope: Construct, id: string, props: BaseStackProps) {
    super(scope, id, props);
    this.images = new ImageRepositories(this, 'Images', { envName: props.envName });
    this.providerKeys = new ProviderKeysSecret(this, 'ProviderKeys', { envName: props.envName });
    this.githubRoles = props.githubRepository
      ? new GithubRoles(this, 'Github', {
          envName: props.envName,
          repository: props.githubRepository,
          imageRepositories: [this.images.api, this.images.worker],
          providerSecrets: Object.values(this.providerKeys.secrets),
        })
      : undefined;

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
