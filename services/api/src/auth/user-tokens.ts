import { isUserId, userPrincipal } from '@iscoolgpt/shared';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { classifyVerificationError, InvalidTokenError } from './errors.js';
import type { VerifiedToken } from './verified-token.js';

/**
 * Asymmetric algorithms only: `none` and the HMAC family are refused for user tokens, so a
 * token "signed" with the issuer's public key as an HMAC secret can never pass.
 */
export const USER_TOKEN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** An unknown key id refetches the issuer's key set at most this often. */
export const JWKS_REFETCH_COOLDOWN_MS = 60_000;
/** Keys are refetched at least this often, so a key the issuer withdrew stops being trusted. */
export const JWKS_MAX_AGE_MS = 10 * 60_000;

export interface UserTokenOptions {
  /** AUTH_ISSUER: the tokens' `iss` (any of these). */
  issuer: string | string[];
  /** AUTH_AUDIENCE: in the tokens' `aud`, or their `client_id` (Cognito access tokens). */
  audience: string;
  /** The issuer's signing keys (remoteKeys(AUTH_JWKS_URL), or a local set in embedded mode). */
  keys: JWTVerifyGetKey;
  /** AUTH_TEACHER_GROUP: a user whose groups hold it is a teacher. */
  teacherGroup: string;
  now?: () => Date;
}

/** The issuer's key set over HTTP, cached, refetched on an unknown key id at most once a minute. */
export function remoteKeys(jwksUrl: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUrl), {
    cooldownDuration: JWKS_REFETCH_COOLDOWN_MS,
    cacheMaxAge: JWKS_MAX_AGE_MS,
    timeoutDuration: 5000,
  });
}

/** OpenID Connect users' tokens (access or ID tokens) from one issuer, checked with jose. */
export class UserTokens {
  constructor(private readonly options: UserTokenOptions) {}

  async verify(token: string): Promise<VerifiedToken> {
    const { issuer, keys, now } = this.options;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer,
        algorithms: USER_TOKEN_ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
        ...(now && { currentDate: now() }),
      }));
    } catch (error) {
      throw classifyVerificationError(error);
    }
    if (!this.forUs(payload)) throw new InvalidTokenError('audience');
    // The user's id is `sub` as it is: one that could pass for a guest's, an app's or the
    // anonymous principal's id is refused rather than merged with theirs.
    if (typeof payload.sub !== 'string' || !isUserId(payload.sub)) {
      throw new InvalidTokenError('sub');
    }
    return {
      principal: userPrincipal(payload.sub, this.isTeacher(payload)),
      expiresAtMs: (payload.exp ?? 0) * 1000,
    };
  }

  /** `aud` names the api's audience, or (Cognito access tokens have no `aud`) `client_id` is it. */
  private forUs(payload: JWTPayload): boolean {
    const { audience } = this.options;
    const aud = payload.aud;
    if (aud === audience || (Array.isArray(aud) && aud.includes(audience))) return true;
    return payload.client_id === audience;
  }

  private isTeacher(payload: JWTPayload): boolean {
    const { teacherGroup } = this.options;
    return [payload['cognito:groups'], payload.groups].some(
      (groups) => Array.isArray(groups) && groups.includes(teacherGroup),
    );
  }
}
