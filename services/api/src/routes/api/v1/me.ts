import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getMeSchema } from '../../../schemas/auth.js';
import { eraseSchema, exportSchema } from '../../../schemas/me.js';
import { usageSchema } from '../../../schemas/quotas.js';

/** The principal a request acts as, and everything they have: download it, or erase it. */
const me: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/me', { schema: getMeSchema }, async (request) => {
    const { id, kind } = request.principal;
    return { id, kind };
  });

  fastify.get('/me/usage', { schema: usageSchema }, async (request) => {
    const { quotas } = fastify.jobs;
    if (quotas) return quotas.usage(request.principal);
    throw new Error('quotas are not counted on this server');
  });

  fastify.get('/me/export', { schema: exportSchema }, async (request, reply) => {
    const data = await fastify.conversations.export(request.principal);
    request.log.info({ conversations: data.conversations.length }, 'data exported');
    const date = data.exportedAt.slice(0, 10);
    reply.header('content-disposition', `attachment; filename="iscoolgpt-data-${date}.json"`);
    return data;
  });

  fastify.delete('/me', { schema: eraseSchema }, async (request, reply) => {
    await fastify.conversations.erase(request.principal);
    return reply.code(204).send(null);
  });
};

export default me;
