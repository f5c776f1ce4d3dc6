import { errors } from 'jose';

/**
 * A bearer token was sent but is not one this api accepts (malformed, bad signature, expired,
 * another issuer or audience, a refused algorithm). Always 401 `invalid_token`, never a fall-back
 * to another principal. `reason` is for the logs and names no part of the token.
 */
export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super('The bearer token is not valid (malformed, expired, or not issued for this API)');
    this.name = 'InvalidTokenError';
  }
}

/** The issuer's signing keys could not be fetched: the token may be fine, the check cannot run. */
export class IdentityUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The identity provider cannot be reached to check the token; try again shortly', {
      cause,
    });
    this.name = 'IdentityUnavailableError';
  }
}

/**
 * What a failed jose verification means for the client: its token is bad (401), or the keys
 * could not be had (503). A key set that does not hold the token's key id is the token's problem.
 */
export function classifyVerificationError(error: unknown): Error {
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError) ||
    // The key set's HTTP fetch failed (a non-200 answer): jose's generic error.
    error.code === 'ERR_JOSE_GENERIC'
  ) {
    return new IdentityUnavailableError(error);
  }
  return new InvalidTokenError(error.code);
}
