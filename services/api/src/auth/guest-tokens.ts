import { randomUUID } from 'node:crypto';
import { guestPrincipal, type Principal } from '@iscoolgpt/shared';
import { jwtVerify, SignJWT } from 'jose';
import { classifyVerificationError, InvalidTokenError } from './errors.js';
import type { VerifiedToken } from './verified-token.js';

/** The `iss` of every guest token: this service, never an OpenID Connect issuer's URL. */
export const GUEST_ISSUER = 'urn:iscoolgpt:guest';
const GUEST_AUDIENCE = 'urn:iscoolgpt:api';
/** Symmetric, and only for tokens this service signs itself: user tokens may never use it. */
const GUEST_ALGORITHM = 'HS256';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface GuestSession {
  token: string;
  /** ISO 8601: when the token stops being accepted. */
  expiresAt: string;
  principal: Principal;
}

/**
 * Guest sessions: a random guest id in a JWT this service signs (HMAC-SHA256 with
 * GUEST_TOKEN_SECRET), valid GUEST_TOKEN_TTL_DAYS. Nothing is stored: the token is the session.
 */
export class GuestTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(): Promise<GuestSession> {
    const guestId = randomUUID();
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const expiresAt = issuedAt + Math.round(this.ttlDays * 24 * 60 * 60);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: GUEST_ALGORITHM, typ: 'JWT' })
      .setIssuer(GUEST_ISSUER)
      .setAudience(GUEST_AUDIENCE)
      .setSubject(guestId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return {
      token,
      expiresAt: new Date(expiresAt * 1000).toISOString(),
      principal: guestPrincipal(guestId),
    };
  }

  /** The guest a token names; throws InvalidTokenError for anything this service did not sign. */
  async verify(token: string): Promise<VerifiedToken> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        issuer: GUEST_ISSUER,
        audience: GUEST_AUDIENCE,
        algorithms: [GUEST_ALGORITHM],
        requiredClaims: ['sub', 'exp'],
        currentDate: this.now(),
      }));
    } catch (error) {
      throw classifyVerificationError(error);
    }
    if (!payload.sub || !UUID.test(payload.sub)) throw new InvalidTokenError('guest_sub');
    return { principal: guestPrincipal(payload.sub), expiresAtMs: (payload.exp ?? 0) * 1000 };
  }
}
