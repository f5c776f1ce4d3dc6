import { Aws, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../../nag.js';

export interface StudentIdentityProps {
  readonly envName: string;
  /** The study page's URL (`https://<CloudFront domain>`): where sign-in returns to. */
  readonly pageUrl: string;
}

/** The groups of the pool; the api makes members of `teachers` teachers (AUTH_TEACHER_GROUP). */
export const USER_GROUPS = ['students', 'teachers'] as const;

/** The managed login's domain prefix (known before the pool exists: the page's CSP names it). */
export function loginDomainPrefix(envName: string): string {
  return `iscoolgpt-${envName}-${Aws.ACCOUNT_ID}`;
}

/** Where the page's code exchange goes (`/oauth2/token`): its CSP allows it in connect-src. */
export function loginOrigin(envName: string): string {
  return `https://${loginDomainPrefix(envName)}.auth.${Aws.REGION}.amazoncognito.com`;
}

/**
 * Who students and teachers are: a Cognito user pool with managed login, the groups `students`
 * and `teachers`, and one public client for the study page (authorization code with PKCE, no
 * secret, callbacks on the page's CloudFront URL). The api trusts the pool's tokens
 * (AUTH_ISSUER, AUTH_AUDIENCE) and signs guest sessions with a key from Secrets Manager
 * (GUEST_TOKEN_SECRET). Apps keep their API keys.
 */
export class StudentIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly guestTokenSecret: secretsmanager.Secret;
  /** The tokens' `iss` (and, + `/.well-known/jwks.json`, where their keys are). */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: StudentIdentityProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: `${props.envName}-iscoolgpt-users`,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      deletionProtection: true,
      // Accounts are students' data: deleting the stack must not delete them.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    for (const group of USER_GROUPS) {
      new cognito.CfnUserPoolGroup(this, `Group-${group}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description: `IsCoolGPT ${group}`,
      });
    }
    this.client = this.userPool.addClient('StudyPage', {
      userPoolClientName: `${props.envName}-study-page`,
      // A public client: a page cannot keep a secret. PKCE protects its code exchange.
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.PROFILE, cognito.OAuthScope.EMAIL],
        callbackUrls: [`${props.pageUrl}/`],
        logoutUrls: [`${props.pageUrl}/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    this.domain = this.userPool.addDomain('Login', {
      cognitoDomain: { domainPrefix: loginDomainPrefix(props.envName) },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    new cognito.CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;

    // The study page's runtime sign-in configuration (web/src/auth/sign-in-config.ts): the
    // deploy workflow writes it to the bucket as /sign-in.json next to the built page.
    const login = loginOrigin(props.envName);
    new CfnOutput(this, 'SignInConfig', {
      description: "The study page's /sign-in.json (Cognito's endpoints and the page's client)",
      value: Stack.of(this).toJsonString({
        issuer: this.issuer,
        clientId: this.client.userPoolClientId,
        scope: 'openid profile email',
        authorizationEndpoint: `${login}/oauth2/authorize`,
        tokenEndpoint: `${login}/oauth2/token`,
        endSessionEndpoint: `${login}/logout`,
        postLogoutRedirectParam: 'logout_uri',
      }),
    });

    this.guestTokenSecret = new secretsmanager.Secret(this, 'GuestTokenSecret', {
      secretName: `iscoolgpt/${props.envName}/guest-token-secret`,
      description:
        'IsCoolGPT: the key guest sessions are signed with (GUEST_TOKEN_SECRET), read by the api',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    acknowledge(this.guestTokenSecret, {
      id: 'AwsSolutions-SMG4',
      reason:
        'An HMAC key shared by every api task: rotating it ends every guest session at once (their ' +
        'tokens stop verifying), so it is rotated on purpose, by hand, not on a schedule.',
    });
    acknowledge(
      this.userPool,
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is offered (authenticator apps) but not required: the users are school students, ' +
          'many without a second device, and the data behind the account is their own study notes.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection needs the Plus feature plan, priced per active user; the Essentials plan ' +
          'with a strict password policy and optional MFA fits a study assistant at this stage.',
      },
    );
  }

  /** The api trusts the pool's tokens for the page's client and signs guests with the secret. */
  configureApi(taskDefinition: ecs.TaskDefinition): void {
    const container = taskDefinition.defaultContainer;
    if (!container) throw new Error('the api task has no container to configure');
    container.addEnvironment('AUTH_ISSUER', this.issuer);
    container.addEnvironment('AUTH_AUDIENCE', this.client.userPoolClientId);
    container.addSecret('GUEST_TOKEN_SECRET', ecs.Secret.fromSecretsManager(this.guestTokenSecret));
  }
}
