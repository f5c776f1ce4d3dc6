/**
 * A local OpenID Connect issuer for tests: RS256 keys made with jose, their public halves served
 * as a JWKS by a small HTTP server (at `<issuer>/.well-known/jwks.json`, where Cognito serves
 * them), and tokens signed the way a real issuer signs them. It counts the key-set fetches.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { afterAll } from 'vitest';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface TestIssuer {
  issuer: string;
  jwksUrl: string;
  /** How many times the key set was fetched. */
  fetches(): number;
  /** A new key; published at once unless `publish: false`. */
  addKey(kid: string, options?: { publish?: boolean }): Promise<SigningKey>;
  /** The first key, published from the start. */
  key: SigningKey;
  /** A token as the issuer signs it: `iss`, `iat`, an hour's `exp`, plus `claims`. */
  sign(
    claims: JWTPayload,
    options?: { key?: SigningKey; expiresIn?: string | number },
  ): Promise<string>;
}

export async function makeKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

/** Starts the issuer's key server; it is closed after the test file. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const published: JWK[] = [];
  let fetches = 0;
  const server: Server = createServer((request, response) => {
    if (request.url?.endsWith('/.well-known/jwks.json')) {
      fetches++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: published }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/pool-1`;

  const addKey = async (kid: string, { publish = true } = {}) => {
    const key = await makeKey(kid);
    if (publish) published.push(key.publicJwk);
    return key;
  };
  const key = await addKey('key-1');
  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    fetches: () => fetches,
    addKey,
    key,
    sign: (claims, options = {}) => {
      const signing = options.key ?? key;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: signing.kid, typ: 'JWT' })
        .setIssuer(typeof claims.iss === 'string' ? claims.iss : issuer)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '1h')
        .sign(signing.privateKey);
    },
  };
}
