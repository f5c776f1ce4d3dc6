import { appPrincipal, type Principal } from '@iscoolgpt/shared';
import { decodeJwt } from 'jose';
import { InvalidTokenError } from './errors.js';
import { GUEST_ISSUER, type GuestTokens } from './guest-tokens.js';
import type { UserTokens } from './user-tokens.js';
import type { VerifiedToken } from './verified-token.js';

/** Tokens verified recently are not verified again (a signature check costs more than the ask). */
const VERIFIED_CACHE_SIZE = 10_000;
/** A verified token is checked again after this long at most, whatever its `exp`. */
const VERIFIED_CACHE_MS = 5 * 60_000;

export interface AuthenticatorOptions {
  guests: GuestTokens;
  /** Users of the OpenID Connect issuer; none: only guest tokens are accepted as bearers. */
  users?: UserTokens | undefined;
  /** The header API Gateway sets to the caller's API key id (the API service only). */
  callerHeader?: string | undefined;
  now?: () => number;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * Who a request comes from, in this order: a bearer token (a user's OpenID Connect token or a
 * guest token), then the API Gateway caller header (an app), else nobody (undefined). A bearer
 * that does not verify throws InvalidTokenError: never a fall-back to a weaker principal.
 *
 * Verified tokens are kept (up to 10 000, at most 5 minutes each, never past their `exp`), keyed
 * by the whole token: only a token that passed every check gets in, so a hit is as good as a
 * verification. The guest and user paths are told apart by the token's unverified `iss` and then
 * verified with that path's own key and algorithms (HMAC for guests, asymmetric for users), so
 * neither can pass for the other.
 */
export class Authenticator {
  private readonly verified = new Map<string, { principal: Principal; validUntil: number }>();
  private readonly now: () => number;

  constructor(private readonly options: AuthenticatorOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A principal, undefined when the request carries no credentials, or a promise of either. */
  authenticate(headers: Headers): Principal | undefined | Promise<Principal | undefined> {
    const authorization = headers.authorization;
    if (typeof authorization === 'string') {
      const token = bearerToken(authorization);
      if (token !== undefined) return this.bearer(token);
    }
    const { callerHeader } = this.options;
    if (callerHeader) {
      const caller = headers[callerHeader];
      // The gateway sends one short id; anything else did not come from it.
      if (typeof caller === 'string' && caller.length > 0 && caller.length <= 256) {
        return appPrincipal(caller);
      }
    }
    return undefined;
  }

  private bearer(token: string): Principal | Promise<Principal> {
    const now = this.now();
    const known = this.verified.get(token);
    if (known) {
      if (now < known.validUntil) return known.principal;
      this.verified.delete(token);
    }
    return this.verify(token).then(({ principal, expiresAtMs }) => {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) {
        // The oldest entry: a Map iterates in insertion order.
        this.verified.delete(this.verified.keys().next().value as string);
      }
      this.verified.set(token, {
        principal,
        validUntil: Math.min(expiresAtMs, now + VERIFIED_CACHE_MS),
      });
      return principal;
    });
  }

  private async verify(token: string): Promise<VerifiedToken> {
    if (token.length === 0) throw new InvalidTokenError('empty');
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new InvalidTokenError('malformed');
    }
    if (issuer === GUEST_ISSUER) return this.options.guests.verify(token);
    if (this.options.users) return this.options.users.verify(token);
    throw new InvalidTokenError('no_issuer_configured');
  }
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750); undefined for other schemes. */
function bearerToken(authorization: string): string | undefined {
  const space = authorization.indexOf(' ');
  const scheme = space === -1 ? authorization : authorization.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') return undefined;
  return space === -1 ? '' : authorization.slice(space + 1).trim();
}
