import { ArnFormat, CfnOutput, Stack } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../../nag.js';

/** GitHub Actions' OIDC issuer; the account holds one IAM provider for it (IsCoolGpt-Account). */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** The CDK bootstrap roles `cdk deploy` assumes (default qualifier), and nothing else. */
const CDK_BOOTSTRAP_ROLES = ['deploy-role', 'file-publishing-role', 'lookup-role'];
const CDK_QUALIFIER = 'hnb659fds';

/** The deploy workflow records the image tag whose smoke test passed here (its rollback target). */
export const lastGoodImageTagParameter = (envName: string) =>
  `/iscoolgpt/${envName}/last-good-image-tag`;

export const githubRoleNames = (envName: string) => ({
  images: `iscoolgpt-${envName}-github-images`,
  deploy: `iscoolgpt-${envName}-github-deploy`,
});

export interface GithubRolesProps {
  readonly envName: string;
  /** `owner/repo`: only its workflow jobs running in the GitHub environment `envName` may assume them. */
  readonly repository: string;
  readonly imageRepositories: ecr.IRepository[];
  readonly providerSecrets: secretsmanager.ISecret[];
}

/**
 * The two roles the deploy workflow assumes through GitHub's OIDC provider, split by job:
 *
 * - `images` builds and pushes: it may push to (and read the scan findings of) this
 *   environment's repositories, and nothing else. It cannot assume the CDK roles, so a build
 *   step (third-party actions, the Dockerfile's RUN lines) cannot change the infrastructure.
 * - `deploy` runs `cdk deploy` (by assuming the CDK bootstrap roles), checks that the provider
 *   secrets have values (DescribeSecret, never the value), reads API Gateway's account logging
 *   setting, and records the last image tag whose smoke test passed. The service stack grants it
 *   the rest of what the workflow does after a deploy (DeployWorkflowAccess).
 */
export class GithubRoles extends Construct {
  readonly imageRole: iam.Role;
  readonly deployRole: iam.Role;

  constructor(scope: Construct, id: string, props: GithubRolesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const names = githubRoleNames(props.envName);
    const provider = iam.OidcProviderNative.fromOidcProviderArn(
      this,
      'GithubOidc',
      stack.formatArn({
        service: 'iam',
        region: '',
        resource: 'oidc-provider',
        resourceName: GITHUB_OIDC_HOST,
      }),
    );
    const principal = new iam.OpenIdConnectPrincipal(provider, {
      StringEquals: {
        [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
        [`${GITHUB_OIDC_HOST}:sub`]: `repo:${props.repository}:environment:${props.envName}`,
      },
    });

    this.imageRole = new iam.Role(this, 'ImageRole', {
      roleName: names.images,
      assumedBy: principal,
      description: `GitHub deploy workflow (${props.repository}), image jobs: push to the ${props.envName} repositories`,
    });
    for (const repository of props.imageRepositories) {
      repository.grantPullPush(this.imageRole);
      // The workflow skips a build already pushed and gates on the scan's critical findings.
      repository.grant(this.imageRole, 'ecr:DescribeImages', 'ecr:DescribeImageScanFindings');
    }

    this.deployRole = new iam.Role(this, 'DeployRole', {
      roleName: names.deploy,
      assumedBy: principal,
      description: `GitHub deploy workflow (${props.repository}): cdk deploy of ${props.envName}`,
    });
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CdkBootstrapRoles',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: CDK_BOOTSTRAP_ROLES.map((role) =>
          stack.formatArn({
            service: 'iam',
            region: '',
            resource: 'role',
            resourceName: `cdk-${CDK_QUALIFIER}-${role}-${stack.account}-${stack.region}`,
          }),
        ),
      }),
    );
    // Whether each provider secret has a value, never the value itself.
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ProviderSecretsHaveValues',
        actions: ['secretsmanager:DescribeSecret'],
        resources: props.providerSecrets.map((secret) => secret.secretArn),
      }),
    );
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ApiGatewayAccountLoggingRole',
        actions: ['apigateway:GET'],
        resources: [`arn:${stack.partition}:apigateway:${stack.region}::/account`],
      }),
    );
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LastGoodImageTag',
        actions: ['ssm:GetParameter', 'ssm:PutParameter'],
        resources: [
          stack.formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: lastGoodImageTagParameter(props.envName).slice(1),
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );

    acknowledge(this.imageRole, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only ecr:GetAuthorizationToken has Resource "*" (the action has no resource-level ' +
        'permissions); pushes and reads are scoped to the two repositories of this environment.',
    });
    new CfnOutput(this, 'ImageRoleArn', {
      description: 'GitHub variable AWS_IMAGE_ROLE_ARN (docs/release.md)',
      value: this.imageRole.roleArn,
    });
    new CfnOutput(this, 'DeployRoleArn', {
      description: 'GitHub variable AWS_DEPLOY_ROLE_ARN (docs/release.md)',
      value: this.deployRole.roleArn,
    });
  }
}
