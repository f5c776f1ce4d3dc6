/**
 * A Cognito user pool on the run's local AWS (moto serves cognito-idp): groups `students` and
 * `teachers`, a client, users with permanent passwords, and their RS256 tokens from
 * AdminInitiateAuth. moto's tokens name the real Cognito host in `iss` while the pool's keys are
 * served by moto, hence `jwksUrl` apart from `issuer` (AUTH_JWKS_URL).
 */
import { randomUUID } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DUMMY_AWS_ENV } from './local-aws.js';

export interface CognitoTokens {
  idToken: string;
  accessToken: string;
}

export interface LocalUserPool {
  poolId: string;
  clientId: string;
  /** What the api needs to trust the pool. */
  env: { AUTH_ISSUER: string; AUTH_AUDIENCE: string; AUTH_JWKS_URL: string };
  /** Creates a user (in `groups`) and signs them in. */
  signIn(username: string, groups: string[]): Promise<CognitoTokens>;
  delete(): Promise<void>;
}

export async function createLocalUserPool(endpoint: string): Promise<LocalUserPool> {
  const region = DUMMY_AWS_ENV.AWS_REGION;
  const cognito = new CognitoIdentityProviderClient({
    region,
    endpoint,
    credentials: {
      accessKeyId: DUMMY_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: DUMMY_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
  const pool = await cognito.send(
    new CreateUserPoolCommand({ PoolName: `test-${randomUUID().slice(0, 8)}` }),
  );
  const poolId = pool.UserPool?.Id ?? '';
  const client = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'study-page',
      ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  const clientId = client.UserPoolClient?.ClientId ?? '';
  for (const group of ['students', 'teachers']) {
    await cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: group }));
  }
  return {
    poolId,
    clientId,
    env: {
      AUTH_ISSUER: `https://cognito-idp.${region}.amazonaws.com/${poolId}`,
      AUTH_AUDIENCE: clientId,
      AUTH_JWKS_URL: `${endpoint}/${poolId}/.well-known/jwks.json`,
    },
    signIn: async (username, groups) => {
      const password = `Pw-${randomUUID()}`;
      await cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username }));
      await cognito.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: poolId,
          Username: username,
          Password: password,
          Permanent: true,
        }),
      );
      for (const group of groups) {
        await cognito.send(
          new AdminAddUserToGroupCommand({
            UserPoolId: poolId,
            Username: username,
            GroupName: group,
          }),
        );
      }
      const auth = await cognito.send(
        new AdminInitiateAuthCommand({
          UserPoolId: poolId,
          ClientId: clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
      );
      return {
        idToken: auth.AuthenticationResult?.IdToken ?? '',
        accessToken: auth.AuthenticationResult?.AccessToken ?? '',
      };
    },
    delete: async () => {
      await cognito.send(new DeleteUserPoolCommand({ UserPoolId: poolId })).catch(() => {});
      cognito.destroy();
    },
  };
}
