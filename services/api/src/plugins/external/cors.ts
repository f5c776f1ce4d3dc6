import cors from '@fastify/cors';
import type { Config } from '@iscoolgpt/shared';
import fp from 'fastify-plugin';

/**
 * CORS for browser front ends. Behind API Gateway's proxy integration the gateway answers only
 * the preflight; the real responses carry these headers from here.
 */
export default fp<{ allowedOrigins: Config['CORS_ALLOWED_ORIGINS'] }>(
  async (fastify, { allowedOrigins }) => {
    await fastify.register(cors, {
      origin: allowedOrigins.includes('*') ? '*' : allowedOrigins,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['content-type', 'prefer', 'idempotency-key', 'x-request-id', 'x-api-key'],
      exposedHeaders: ['location', 'retry-after', 'preference-applied', 'x-request-id'],
      maxAge: 600,
    });
  },
  { name: 'cors' },
);
