import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { GITHUB_OIDC_HOST } from './constructs/ci/github-roles.js';
import { ApiGatewayAccountLogging } from './constructs/observability/api-gateway-logging.js';

export interface AccountStackProps extends StackProps {
  /** Create the account's IAM OIDC provider for GitHub Actions (an account holds one per URL). */
  readonly githubOidcProvider: boolean;
}

/**
 * Settings that exist once per AWS account and region, whatever the number of environments:
 * API Gateway's CloudWatch logging role and, when asked, the IAM OIDC provider GitHub Actions
 * signs in with. Deployed once (`cdk deploy IsCoolGpt-Account`), before the first environment,
 * and left alone after.
 */
export class AccountStack extends Stack {
  readonly apiGatewayLogging: ApiGatewayAccountLogging;
  readonly githubOidcProvider: iam.OidcProviderNative | undefined;

  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id, props);
    this.apiGatewayLogging = new ApiGatewayAccountLogging(this, 'ApiGatewayLogging');
    this.githubOidcProvider = props.githubOidcProvider
      ? new iam.OidcProviderNative(this, 'GithubOidc', {
          url: `https://${GITHUB_OIDC_HOST}`,
          clientIds: ['sts.amazonaws.com'],
        })
      : undefined;
  }
}
