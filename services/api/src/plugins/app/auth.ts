import type { Principal } from '@iscoolgpt/shared';
import { ANONYMOUS } from '@iscoolgpt/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { IdentityUnavailableError, InvalidTokenError } from '../../auth/errors.js';
import type { Identity } from '../../auth/identity.js';
import { apiSecurity, unauthorizedResponse } from '../../schemas/auth.js';
import { problemTypes } from '../../schemas/problem.js';
import { sendProblem } from './problem-details.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Who may ask: the authenticator, guest tokens, the session limiter. */
    identity: Identity;
  }
  interface FastifyRequest {
    /** Who is asking: set on every /api route before its handler runs (never on public paths). */
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** The route serves requests without credentials even where anonymous ones are refused. */
    allowAnonymous?: boolean;
  }
}

/** Every route under it needs a principal; /health, /docs, the page and /oidc stay public. */
const API_PREFIX = '/api/';

/**
 * Authentication, once per request: the principal of every /api request (see Authenticator for
 * the order), before its body is read. Routes read `request.principal` and never see a token.
 * A bearer token that does not verify is 401 `invalid_token`; no credentials at all is the
 * `anonymous` principal where allowed, else 401 `unauthenticated`. The principal's id goes into
 * every log line of the request; the token never does.
 */
export default fp<{ identity: Identity }>(
  async (fastify, { identity }) => {
    fastify.decorate('identity', identity);
    fastify.decorateRequest('principal', null as unknown as Principal);

    // Registered before response-docs: the 401 is documented on every /api route like the rest.
    fastify.addHook('onRoute', (route) => {
      if (!route.url.startsWith(API_PREFIX)) return;
      const schema = route.schema as
        { response?: Record<string, unknown>; security?: unknown } | undefined;
      if (!schema?.response) return;
      schema.security ??= apiSecurity;
      schema.response[401] ??= unauthorizedResponse;
    });

    // Callback style, not async: a request with no token (or a known one) is decided at once.
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!request.routeOptions.url?.startsWith(API_PREFIX)) return done();
      let outcome;
      try {
        outcome = identity.authenticator.authenticate(request.headers);
      } catch (error) {
        return refuse(request, reply, error);
      }
      if (outcome instanceof Promise) {
        outcome.then(
          (principal) => admit(request, reply, principal, done),
          (error: unknown) => refuse(request, reply, error),
        );
      } else {
        admit(request, reply, outcome, done);
      }
    });

    function admit(
      request: FastifyRequest,
      reply: FastifyReply,
      principal: Principal | undefined,
      done: () => void,
    ): void {
      if (!principal) {
        if (!identity.allowAnonymous && !request.routeOptions.config.allowAnonymous) {
          request.log.info({}, 'request without credentials refused');
          reply.header('www-authenticate', 'Bearer');
          void sendProblem(reply, {
            type: problemTypes.unauthenticated,
            title: 'Authentication required',
            status: 401,
            detail:
              'Send `Authorization: Bearer <token>`: a signed-in user token, or a guest token ' +
              'from POST /api/v1/sessions',
            code: 'unauthenticated',
          });
          return;
        }
        principal = ANONYMOUS;
      }
      request.principal = principal;
      request.log = request.log.child({ principalId: principal.id });
      done();
    }
  },
  { name: 'auth' },
);

function refuse(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  if (error instanceof InvalidTokenError) {
    request.log.info({ reason: error.reason }, 'bearer token refused');
    reply.header('www-authenticate', 'Bearer error="invalid_token"');
    void sendProblem(reply, {
      type: problemTypes.invalidToken,
      title: 'Invalid token',
      status: 401,
      detail: error.message,
      code: 'invalid_token',
    });
    return;
  }
  if (error instanceof IdentityUnavailableError) {
    request.log.warn({ err: error.cause }, 'token not checked: the issuer keys are unavailable');
    reply.header('retry-after', '5');
    void sendProblem(reply, {
      type: problemTypes.unavailable,
      title: 'Service unavailable',
      status: 503,
      detail: error.message,
    });
    return;
  }
  request.log.error({ err: error }, 'authentication failed');
  void sendProblem(reply, {
    type: problemTypes.internal,
    title: 'Internal server error',
    status: 500,
    detail: 'Something went wrong on our side; the request id in x-request-id helps us find it',
  });
}
