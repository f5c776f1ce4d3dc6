import cors from '@fastify/cors';
import { CORS_EXPOSED_HEADERS, CORS_REQUEST_HEADERS, type Config } from '@iscoolgpt/shared';
import fp from 'fastify-plugin';

/**
 * CORS for browser front ends on other origins. Preflights allow every method some route serves
 * (the route table's, routes registered later included: @fastify/cors reads the live array on
 * each preflight) and every request header the API reads; responses expose the headers a client
 * acts on (shared/src/cors.ts, which API Gateway's preflights use too). Behind API Gateway's proxy
 * integration the gateway answers the preflight; the real responses carry these headers from here.
 */
export default fp<{ allowedOrigins: Config['CORS_ALLOWED_ORIGINS'] }>(
  async (fastify, { allowedOrigins }) => {
    await fastify.register(cors, {
      origin: allowedOrigins.includes('*') ? '*' : allowedOrigins,
      methods: fastify.servedMethods as string[],
      allowedHeaders: [...CORS_REQUEST_HEADERS],
      exposedHeaders: [...CORS_EXPOSED_HEADERS],
      maxAge: 600,
    });
  },
  { name: 'cors', dependencies: ['allowed-methods'] },
);
