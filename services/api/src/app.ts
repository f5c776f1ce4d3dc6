import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  NO_METRICS,
  type Config,
  type Conversations,
  type JobService,
  type Metrics,
  type MetricsExposition,
} from '@iscoolgpt/shared';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { RequestLogger } from './http/request-logger.js';
import { AccessLog } from './http/access-log.js';
import { OpenStreams } from './http/open-streams.js';
import { clientErrorHandler } from './http/client-errors.js';
import { drainOnClose, limitConnections } from './http/connections.js';
import { registerJsonBodyParser } from './http/json-body.js';
import { serializerCompiler } from './http/serializer.js';
import { stripStage } from './http/stage.js';
import type { EventStreamOptions } from './http/sse.js';
import type { Identity } from './auth/identity.js';
import type { DevProvider } from './dev-identity/provider.js';
import authPlugin from './plugins/app/auth.js';
import devIdentity from './plugins/app/dev-identity.js';
import jobsPlugin from './plugins/app/jobs.js';
import metricsPlugin from './plugins/app/metrics.js';
import allowedMethods from './plugins/app/allowed-methods.js';
import noStore from './plugins/app/no-store.js';
import responseDocs from './plugins/app/response-docs.js';
import problemDetails, {
  frameworkErrors,
  MAX_PARAM_LENGTH,
} from './plugins/app/problem-details.js';
import cors from './plugins/external/cors.js';
import swagger from './plugins/external/swagger.js';
import webPage, { hasPage } from './plugins/external/web-page.js';
import ask from './routes/api/v1/ask.js';
import conversationRoutes from './routes/api/v1/conversations.js';
import feedback from './routes/api/v1/feedback.js';
import jobRoutes from './routes/api/v1/jobs.js';
import me from './routes/api/v1/me.js';
import metricsRoute from './routes/metrics.js';
import sessions from './routes/api/v1/sessions.js';
import health from './routes/health.js';

/** Largest accepted request body: a question is at most 8000 characters. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface AppOptions {
  jobs: JobService;
  conversations: Conversations;
  config: Pick<
    Config,
    | 'SYNC_WAIT_SECONDS'
    | 'API_STAGE'
    | 'CORS_ALLOWED_ORIGINS'
    | 'HTTP_REQUEST_TIMEOUT_SECONDS'
    | 'HTTP_CONNECTION_TIMEOUT_SECONDS'
    | 'HTTP_MAX_CONNECTIONS'
  >;
  logger: FastifyBaseLogger;
  /** Who is asking: every /api request's principal is decided by it (plugins/app/auth.ts). */
  identity: Identity;
  /** Embedded mode's development OpenID provider, mounted at /oidc. */
  devProvider?: DevProvider | undefined;
  /** Heartbeat and retry hint of event streams (tests shorten the heartbeat). */
  eventStream?: EventStreamOptions;
  /** The built study page (web/dist) to serve at `/`; without one the app is the API alone. */
  webRoot?: string;
  /** Where the HTTP layer counts what it sees; nothing is counted without it. */
  metrics?: Metrics;
  /** This process's Prometheus text, served at `GET /metrics`; no such route without it. */
  metricsExposition?: MetricsExposition;
}

/** The HTTP layer, the same in embedded mode and in the API service: external plugins, ours, routes. */
export async function buildApp({
  jobs,
  conversations,
  config,
  logger,
  identity,
  devProvider,
  eventStream,
  webRoot,
  metrics,
  metricsExposition,
}: AppOptions) {
  const requestTimeoutMs = Math.ceil(config.HTTP_REQUEST_TIMEOUT_SECONDS * 1000);
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // A body that trickles in, or stops short of its Content-Length, must not hold a connection
    // for ever: Node answers 408 through the clientError handler. Only the request is timed (a
    // response may stream for longer); the idle timeout closes connections where nothing moves.
    requestTimeout: requestTimeoutMs,
    connectionTimeout: Math.ceil(config.HTTP_CONNECTION_TIMEOUT_SECONDS * 1000),
    http: {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, 60_000),
      // Node checks the request timeout on this beat (30 s by default, which would let a
      // stalled upload live up to 30 s past its timeout).
      connectionsCheckingInterval: Math.min(1000, Math.ceil(requestTimeoutMs / 4)),
    },
    clientErrorHandler: clientErrorHandler(logger, config.HTTP_REQUEST_TIMEOUT_SECONDS),
    frameworkErrors,
    // Long enough that an over-long id reaches the route's schema and reads 400 like any bad id.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A client's x-request-id is kept only in a bounded, log-safe form (else one is made up):
    // it is written into every log line of the request.
    requestIdHeader: false,
    genReqId: requestIdOf,
    logController: new AccessLog(),
    // Each request's logger becomes a pino child only when something logs through it.
    childLoggerFactory: (parent, bindings) => new RequestLogger(parent, bindings),
    // API Gateway and the ALB sit in front: trust their forwarding headers.
    trustProxy: true,
    // Behind an API Gateway stage, its name may lead the path: routed as if it did not.
    ...(config.API_STAGE && { rewriteUrl: stripStage(config.API_STAGE) }),
  }).withTypeProvider<ZodTypeProvider>();
  limitConnections(app.server, config.HTTP_MAX_CONNECTIONS, logger);
  drainOnClose(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body must be refused with 415, not parsed as a string.
  app.removeContentTypeParser(['text/plain']);
  registerJsonBodyParser(app);
  // Callback style, not async: this runs on every request and a promise per hook shows up there.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  await app.register(allowedMethods);
  await app.register(noStore);
  // Before response-docs: the 401 it adds to every /api route is documented like the others.
  await app.register(authPlugin, { identity });
  await app.register(responseDocs);
  await app.register(cors, { allowedOrigins: config.CORS_ALLOWED_ORIGINS });
  await app.register(swagger, { providers: jobs.providers, models: jobs.models });
  await app.register(problemDetails);
  // QUOTA_OPEN_STREAMS, per principal and process (none when quotas are not counted at all).
  const openStreams = new OpenStreams(
    jobs.quotas?.settings.openStreams ?? 0,
    metrics ?? NO_METRICS,
  );
  await app.register(jobsPlugin, { jobs, conversations, openStreams });
  await app.register(metricsPlugin, { metrics });

  await app.register(health);
  if (metricsExposition) await app.register(metricsRoute, { exposition: metricsExposition });
  await app.register(ask, {
    prefix: '/api/v1',
    defaultWaitSeconds: config.SYNC_WAIT_SECONDS,
    ...(eventStream && { eventStream }),
  });
  await app.register(jobRoutes, { prefix: '/api/v1', ...(eventStream && { eventStream }) });
  await app.register(conversationRoutes, { prefix: '/api/v1' });
  await app.register(feedback, { prefix: '/api/v1' });
  await app.register(sessions, { prefix: '/api/v1' });
  await app.register(me, { prefix: '/api/v1' });
  if (devProvider) await app.register(devIdentity, { dev: devProvider });
  if (hasPage(webRoot)) await app.register(webPage, { root: webRoot });
  else if (webRoot) logger.info({ webRoot }, 'no study page built there: serving the API only');
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && SAFE_REQUEST_ID.test(sent) ? sent : randomUUID();
}
