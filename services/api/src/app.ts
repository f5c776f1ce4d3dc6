import { randomUUID } from 'node:crypto';
import type { Config, JobService } from '@iscoolgpt/shared';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AccessLog } from './http/access-log.js';
import { serializerCompiler } from './http/serializer.js';
import type { EventStreamOptions } from './http/sse.js';
import jobsPlugin from './plugins/app/jobs.js';
import problemDetails from './plugins/app/problem-details.js';
import cors from './plugins/external/cors.js';
import swagger from './plugins/external/swagger.js';
import ask from './routes/api/v1/ask.js';
import conversations from './routes/api/v1/conversations.js';
import feedback from './routes/api/v1/feedback.js';
import jobRoutes from './routes/api/v1/jobs.js';
import health from './routes/health.js';

/** Largest accepted request body: a question is at most 8000 characters. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface AppOptions {
  jobs: JobService;
  config: Pick<Config, 'SYNC_WAIT_SECONDS' | 'CORS_ALLOWED_ORIGINS'>;
  logger: FastifyBaseLogger;
  /** Heartbeat and retry hint of event streams (tests shorten the heartbeat). */
  eventStream?: EventStreamOptions;
}

/** The HTTP layer, the same in embedded mode and in the API service: external plugins, ours, routes. */
export async function buildApp({ jobs, config, logger, eventStream }: AppOptions) {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    logController: new AccessLog(),
    // API Gateway and the ALB sit in front: trust their forwarding headers.
    trustProxy: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body must be refused with 415, not parsed as a string.
  app.removeContentTypeParser(['text/plain']);
  // Callback style, not async: this runs on every request and a promise per hook shows up there.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  await app.register(cors, { allowedOrigins: config.CORS_ALLOWED_ORIGINS });
  await app.register(swagger);
  await app.register(problemDetails);
  await app.register(jobsPlugin, { jobs });

  await app.register(health);
  await app.register(ask, {
    prefix: '/api/v1',
    defaultWaitSeconds: config.SYNC_WAIT_SECONDS,
    ...(eventStream && { eventStream }),
  });
  await app.register(jobRoutes, { prefix: '/api/v1', ...(eventStream && { eventStream }) });
  await app.register(conversations, { prefix: '/api/v1' });
  await app.register(feedback, { prefix: '/api/v1' });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
