import { App, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccountStack } from './account-stack.js';
import { BaseStack } from './base-stack.js';
import { readConfig, type InfraConfig } from './config.js';
import { IsCoolGptStack } from './iscoolgpt-stack.js';
import { WebAclStack } from './web-acl-stack.js';

export interface IsCoolGptApp {
  readonly app: App;
  readonly config: InfraConfig;
  readonly account: AccountStack;
  /** Deployed by hand, opt-in: see infra/README.md, "Per-IP rate limiting". */
  readonly webAcl: WebAclStack;
  readonly base: BaseStack;
  readonly service: IsCoolGptStack;
}

/**
 * Builds the whole app: the base stack (image repositories, provider secret) and the service
 * stack, with the cdk-nag AwsSolutions pack registered so that `app.synth()` fails on any
 * unacknowledged finding. bin/app.ts and the tests build it the same way.
 */
export function createApp(
  props: AppProps = {},
  env: Record<string, string | undefined> = {},
): IsCoolGptApp {
  const app = new App({
    ...props,
    context: {
      // Say so explicitly: the service stack imports the base stack's outputs with Fn::ImportValue,
      // which keeps the base stack from deleting a repository or secret that is still in use.
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      // Services without a desiredCount leave it to auto scaling instead of resetting to 1 on
      // every deploy (which would scale a busy fleet in at each release).
      '@aws-cdk/aws-ecs:removeDefaultDesiredCount': true,
      ...props.context,
    },
  });
  const config = readConfig((key) => app.node.tryGetContext(key), env);
  const stackEnv = { region: config.region };
  const prefix = `IsCoolGpt-${config.envName}`;

  const account = new AccountStack(app, 'IsCoolGpt-Account', {
    env: stackEnv,
    description:
      "IsCoolGPT account-wide settings (API Gateway's CloudWatch role, GitHub's OIDC provider), deployed once",
    githubOidcProvider: config.github.createOidcProvider,
  });
  const base = new BaseStack(app, `${prefix}-Base`, {
    envName: config.envName,
    githubRepository: config.github.repository,
    env: stackEnv,
    description: 'IsCoolGPT image repositories and provider-key secrets',
  });
  const service = new IsCoolGptStack(app, prefix, {
    config,
    env: stackEnv,
    description:
      'IsCoolGPT service: VPC, jobs table and queue, api and worker on Fargate, API Gateway',
    apiRepository: base.images.api,
    workerRepository: base.images.worker,
    providerSecrets: base.providerKeys.secrets,
  });

  const webAcl = new WebAclStack(app, `${prefix}-WebAcl`, {
    envName: config.envName,
    description: 'IsCoolGPT study page web ACL (us-east-1, for CloudFront), opt-in',
  });

  Tags.of(app).add('project', 'iscoolgpt');
  Tags.of(app).add('environment', config.envName);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, config, account, base, service, webAcl };
}
