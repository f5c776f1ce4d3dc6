import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendProblem } from '../../../plugins/app/problem-details.js';
import { createSessionSchema } from '../../../schemas/auth.js';
import { problemTypes } from '../../../schemas/problem.js';

/** Guest sessions: a token for someone who has not signed in, limited per client address. */
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
};

export default sessions;
