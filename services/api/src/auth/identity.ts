import { randomBytes } from 'node:crypto';
import {
  requireGuestTokenSecret,
  type Config,
  type RateLimiter,
  type RateLimitSettings,
} from '@iscoolgpt/shared';
import type { JWTVerifyGetKey } from 'jose';
import { Authenticator } from './authenticator.js';
import { GuestTokens } from './guest-tokens.js';
import { remoteKeys, UserTokens } from './user-tokens.js';

/** Everything the HTTP layer needs to know who is asking, and to let guests in. */
export interface Identity {
  authenticator: Authenticator;
  guests: GuestTokens;
  /** Requests with no credentials act as `anonymous` (embedded mode, ALLOW_ANONYMOUS); else 401. */
  allowAnonymous: boolean;
  /** Guest sessions per client address (GUEST_SESSIONS_PER_MINUTE). */
  sessionLimiter: RateLimiter;
  /** The OpenID Connect issuer whose users are trusted, if any (for the start-up log). */
  issuer: string | string[] | undefined;
}

/** An issuer trusted without fetching its keys: embedded mode's development provider. */
export interface LocalIssuer {
  /** Its `iss` (the development provider has one per name of this machine). */
  issuer: string | string[];
  audience: string;
  keys: JWTVerifyGetKey;
}

export interface IdentityOptions {
  /** `embedded`: anonymous allowed, a guest-token key made at start; `api`: neither by default. */
  mode: 'embedded' | 'api';
  /** The limiter store of the runtime (memory, or Redis shared by the api processes). */
  rateLimiter(settings: RateLimitSettings): RateLimiter;
  /** The API Gateway caller header (the API service), making its value an app principal. */
  callerHeader?: string | undefined;
  /** Trusted when AUTH_ISSUER is unset (embedded mode's development provider). */
  localIssuer?: LocalIssuer | undefined;
}

/**
 * The identity settings of one api process, from its config: AUTH_ISSUER's users (keys from
 * AUTH_JWKS_URL, by default `${AUTH_ISSUER}/.well-known/jwks.json`, where Cognito serves them), or
 * the local issuer; guest tokens signed with GUEST_TOKEN_SECRET (made up at start in embedded
 * mode, where one process is the whole service).
 */
export function createIdentity(config: Config, options: IdentityOptions): Identity {
  const embedded = options.mode === 'embedded';
  const secret =
    embedded && !config.GUEST_TOKEN_SECRET
      ? randomBytes(32).toString('base64url')
      : requireGuestTokenSecret(config);
  const guests = new GuestTokens(secret, config.GUEST_TOKEN_TTL_DAYS);
  const trusted = trustedIssuer(config, options.localIssuer);
  const users = trusted && new UserTokens({ ...trusted, teacherGroup: config.AUTH_TEACHER_GROUP });
  return {
    authenticator: new Authenticator({ guests, users, callerHeader: options.callerHeader }),
    guests,
    allowAnonymous: embedded || config.ALLOW_ANONYMOUS,
    sessionLimiter: options.rateLimiter({
      keyPrefix: 'iscoolgpt:sessions',
      points: config.GUEST_SESSIONS_PER_MINUTE,
      windowSeconds: 60,
    }),
    issuer: trusted?.issuer,
  };
}

function trustedIssuer(config: Config, local: LocalIssuer | undefined): LocalIssuer | undefined {
  const issuer = config.AUTH_ISSUER;
  if (!issuer) return local;
  return {
    issuer,
    // loadConfig refuses AUTH_ISSUER without AUTH_AUDIENCE.
    audience: config.AUTH_AUDIENCE ?? '',
    keys: remoteKeys(config.AUTH_JWKS_URL ?? `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`),
  };
}
