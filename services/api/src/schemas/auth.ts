import { principalSchema } from '@iscoolgpt/shared';
import { z } from 'zod';
import { problemSchema } from './problem.js';
import { headerDocs, jsonResponse, problemResponse, type HeaderDoc } from './responses.js';

/** The OpenAPI security scheme every /api route takes (components.securitySchemes). */
export const securitySchemes = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A signed-in user's OpenID Connect access or ID token (Cognito in AWS; `npm start`'s " +
      'development provider at /oidc), or a guest token from `POST /api/v1/sessions`. Without ' +
      'one: behind API Gateway, the API key makes the caller an app; in embedded mode the ' +
      'request acts as the shared `anonymous` principal; otherwise 401.',
  },
} as const;

/** Bearer, or nothing (an API key at the gateway, or embedded mode's anonymous principal). */
export const apiSecurity = [{ bearerAuth: [] }, {}];

export const wwwAuthenticateHeader: HeaderDoc = {
  description:
    '`Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent ' +
    'is not valid (RFC 6750)',
  required: true,
  schema: { type: 'string' },
};

export const unauthorizedProblemSchema = problemSchema
  .extend({
    code: z
      .enum(['unauthenticated', 'invalid_token'])
      .describe(
        'unauthenticated: no credentials (and this server admits no anonymous requests); ' +
          'invalid_token: a bearer token was sent but is malformed, expired, or not issued ' +
          'for this API (sign in again, or start a new guest session)',
      ),
  })
  .meta({ id: 'UnauthorizedProblem' });

/** The 401 every /api route may answer. */
export const unauthorizedResponse = problemResponse(
  unauthorizedProblemSchema,
  'Missing or invalid credentials',
  { 'www-authenticate': wwwAuthenticateHeader },
);

export const meResponseSchema = principalSchema;

export const sessionResponseSchema = z
  .object({
    token: z
      .string()
      .describe('the guest token: send it as `Authorization: Bearer <token>`; keep it secret'),
    expiresAt: z.iso.datetime().describe('when the token stops being accepted'),
    user: z.object({ id: z.string(), kind: z.literal('guest') }),
  })
  .meta({ id: 'GuestSession' });

export const tooManyRequestsProblemSchema = problemSchema
  .extend({ code: z.literal('rate_limited') })
  .meta({ id: 'RateLimitedProblem' });

export const createSessionSchema = {
  summary: 'Start a guest session',
  description:
    'A guest token for someone who has not signed in: what they ask is theirs alone, and can ' +
    'be claimed by their account later (`POST /api/v1/sessions/claim`). No body. Limited per ' +
    'client address (429 past it, with Retry-After).',
  tags: ['identity'],
  security: [{}],
  response: {
    201: jsonResponse(sessionResponseSchema, 'A new guest session', {
      'cache-control': {
        description: '`no-store`: a token is never cached',
        required: true,
        schema: { type: 'string' },
      },
    }),
    429: problemResponse(tooManyRequestsProblemSchema, 'Too many sessions from this address', {
      'retry-after': headerDocs.retryAfter,
    }),
  },
};

export const getMeSchema = {
  summary: 'Who am I',
  description: 'The principal this request acts as: its id and kind.',
  tags: ['identity'],
  response: { 200: jsonResponse(meResponseSchema, 'The principal') },
};
