/**
 * The deploy workflow's two roles (base stack) and the rest of its permissions (service stack):
 * the image jobs may only push images; only the deploy role reaches CDK; each is assumable only
 * by this repository's jobs in this environment, through GitHub's OIDC provider.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { githubRoleNames } from '../lib/constructs/ci/github-roles.js';
import {
  allowedActions,
  onlyResource,
  serviceOf,
  statementsOfRole,
  synthesize,
  TEST_CONTEXT,
  type Statement,
  type Synthesized,
} from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize({ githubOidcProvider: 'true' });
});

const names = githubRoleNames(TEST_CONTEXT.env);
const roleId = (name: string) =>
  onlyResource(app.baseTemplate, 'AWS::IAM::Role', { Properties: { RoleName: name } }).id;
const statements = (name: string) => statementsOfRole(app.baseTemplate, roleId(name));
/** Statements the service stack attaches to the deploy role (by name). */
const deployStatementsInServiceStack = (): Statement[] =>
  Object.values(app.template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([names.deploy]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);

describe('the deploy workflow roles', () => {
  it('trust only this repository, in the GitHub environment named after the deploy environment', () => {
    for (const name of [names.images, names.deploy]) {
      const { resource } = onlyResource(app.baseTemplate, 'AWS::IAM::Role', {
        Properties: { RoleName: name },
      });
      const [trust] = (resource.Properties.AssumeRolePolicyDocument as { Statement: unknown[] })
        .Statement as Record<string, unknown>[];
      expect(trust).toMatchObject({
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': `repo:${TEST_CONTEXT.githubRepository}:environment:${TEST_CONTEXT.env}`,
          },
        },
      });
      expect(JSON.stringify(trust!.Principal)).toContain(
        ':oidc-provider/token.actions.githubusercontent.com',
      );
    }
  });

  it('let the image jobs push images and read their scans, and nothing else: no CDK role, no deploy', () => {
    const actions = allowedActions(statements(names.images));
    expect(new Set(actions)).toEqual(
      new Set([
        'ecr:GetAuthorizationToken',
        'ecr:BatchCheckLayerAvailability',
        'ecr:GetDownloadUrlForLayer',
        'ecr:BatchGetImage',
        'ecr:InitiateLayerUpload',
        'ecr:UploadLayerPart',
        'ecr:CompleteLayerUpload',
        'ecr:PutImage',
        'ecr:DescribeImages',
        'ecr:DescribeImageScanFindings',
      ]),
    );
    const repositories = Object.keys(app.baseTemplate.findResources('AWS::ECR::Repository'));
    for (const statement of statements(names.images)) {
      if (statement.Resource === '*') {
        expect(statement.Action).toBe('ecr:GetAuthorizationToken');
      } else {
        const [id] = (statement.Resource as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
        expect(repositories).toContain(id);
      }
    }
  });

  it('let the deploy role assume the CDK bootstrap roles, and it alone', () => {
    const assume = statements(names.deploy).find((s) => s.Sid === 'CdkBootstrapRoles');
    expect(JSON.stringify(assume?.Resource)).toMatch(/cdk-hnb659fds-deploy-role-/);
    expect(JSON.stringify(assume?.Resource)).not.toContain('*');
    expect(allowedActions(statements(names.images)).some((a) => a.startsWith('sts:'))).toBe(false);
  });

  it('let the deploy role push no image', () => {
    const actions = [
      ...allowedActions(statements(names.deploy)),
      ...allowedActions(deployStatementsInServiceStack()),
    ];
    expect(actions.filter((a) => a.startsWith('ecr:'))).toEqual([]);
  });

  it('let the deploy role see whether each provider secret has a value, never the value', () => {
    const described = statements(names.deploy).find((s) => s.Sid === 'ProviderSecretsHaveValues');
    expect(described?.Action).toBe('secretsmanager:DescribeSecret');
    const secrets = Object.keys(app.baseTemplate.findResources('AWS::SecretsManager::Secret'));
    expect(described?.Resource).toEqual(secrets.map((id) => ({ Ref: id })));
    expect(
      allowedActions(statements(names.deploy)).filter((a) => a.includes('GetSecretValue')),
    ).toEqual([]);
  });

  it('grant the deploy role, from the service stack, exactly the resources the workflow touches after a deploy', () => {
    const bySid = Object.fromEntries(deployStatementsInServiceStack().map((s) => [s.Sid, s]));
    expect(bySid.WaitForStableServices?.Resource).toEqual([
      { Ref: serviceOf(app.template, 'api').id },
      { Ref: serviceOf(app.template, 'worker').id },
    ]);
    expect(bySid.UploadStudyPageObjects?.Action).toEqual(['s3:PutObject', 's3:DeleteObject']);
    expect(bySid.InvalidateStudyPage?.Action).toBe('cloudfront:CreateInvalidation');
    expect(JSON.stringify(bySid.SmokeTestApiKey?.Resource)).toContain('/apikeys/');
  });

  it('are left out when no repository is given (a deploy by hand needs none)', () => {
    const local = synthesize({ githubRepository: '' });
    local.baseTemplate.resourceCountIs('AWS::IAM::Role', 0);
    expect(local.service.deployWorkflowAccess).toBeUndefined();
  });

  it("are assumed through the account's GitHub OIDC provider, which IsCoolGpt-Account can create", () => {
    Template.fromStack(app.account).hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    Template.fromStack(synthesize().account).resourceCountIs('AWS::IAM::OIDCProvider', 0);
  });
});
