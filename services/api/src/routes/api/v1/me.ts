import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getMeSchema } from '../../../schemas/auth.js';

/** The principal a request acts as. */
const me: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/me', { schema: getMeSchema }, async (request) => {
    const { id, kind } = request.principal;
    return { id, kind };
  });
};

export default me;
