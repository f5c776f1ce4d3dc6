import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** OpenAPI generated from the routes' zod schemas; JSON at /docs/json, interactive docs at /docs. */
export default fp(
  async (fastify) => {
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'IsCoolGPT API',
          description:
            'A study assistant: ask a question, get an answer now or a job to poll. ' +
            'Errors are RFC 9457 application/problem+json.',
          version: '1.0.0',
        },
        tags: [
          { name: 'ask', description: 'Ask questions' },
          { name: 'jobs', description: 'Follow a question that is still being answered' },
          { name: 'conversations', description: 'Read or erase a thread of turns' },
          { name: 'health', description: 'Liveness' },
        ],
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    });
    await fastify.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'swagger' },
);
