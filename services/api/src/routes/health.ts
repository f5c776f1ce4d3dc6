import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthSchema } from '../schemas/health.js';

const health: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/health', { schema: healthSchema, logLevel: 'warn' }, async () => ({
    status: 'ok' as const,
  }));
};

export default health;
