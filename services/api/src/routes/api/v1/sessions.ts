import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendProblem } from '../../../plugins/app/problem-details.js';
import { InvalidTokenError } from '../../../auth/errors.js';
import { createSessionSchema } from '../../../schemas/auth.js';
import { claimSchema } from '../../../schemas/me.js';
import { problemTypes } from '../../../schemas/problem.js';

/**
 * Guest sessions: a token for someone who has not signed in, limited per client address; and
 * their claim by an account at sign-in.
 */
const sessions: FastifyPluginAsyncZod = async (fastify) => {
  fastify.post(
    '/sessions',
    { schema: createSessionSchema, config: { allowAnonymous: true } },
    async (request, reply) => {
      const decision = await fastify.identity.sessionLimiter.consume(request.ip);
      if (!decision.allowed) {
        request.log.info({}, 'guest session refused: too many from this address');
        reply.header('retry-after', String(decision.retryAfterSeconds));
        return sendProblem(reply, {
          type: problemTypes.tooManyRequests,
          title: 'Too many requests',
          status: 429,
          detail: `Too many guest sessions from this address; try again in ${decision.retryAfterSeconds} s`,
          code: 'rate_limited',
        });
      }
      const session = await fastify.identity.guests.issue();
      request.log.info({ guestId: session.principal.id }, 'guest session started');
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({
          token: session.token,
          expiresAt: session.expiresAt,
          user: { id: session.principal.id, kind: 'guest' as const },
        });
    },
  );

  fastify.post('/sessions/claim', { schema: claimSchema }, async (request, reply) => {
    let guest;
    try {
      guest = (await fastify.identity.guests.verify(request.body.guestToken)).principal;
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      return sendProblem(reply, {
        type: problemTypes.invalidGuestToken,
        title: 'Invalid guest token',
        status: 400,
        detail: 'guestToken is not a valid guest token of this service (or it expired)',
        code: 'invalid_guest_token',
      });
    }
    return { claimed: await fastify.conversations.claim(request.principal, guest) };
  });
};

export default sessions;
