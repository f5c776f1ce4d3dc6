import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { pathOf } from './path.js';
import { RequestLogger } from './request-logger.js';

/**
 * One access line per request, written when the response is done, instead of Fastify's
 * "incoming request" + "request completed" pair. It carries the request id and, for asks, the
 * job id (`request.jobId`, set by the routes). It logs the path, never the query string (a
 * query may carry anything, a secret included). Health probes log at debug level; a 503 is a
 * refusal the service meant (full, or its queue unavailable, logged where it happens): warn.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const path = pathOf(request.url);
    const line = {
      method: request.method,
      path,
      statusCode: reply.statusCode,
      jobId: request.jobId,
      responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    const level =
      reply.statusCode === 503 && !error
        ? 'warn'
        : error || reply.statusCode >= 500
          ? 'error'
          : path === '/health'
            ? 'debug'
            : 'info';
    const fields = level === 'error' ? { ...line, err: error } : line;
    // The request's logger writes it without making a child logger (the hot path).
    if (request.log instanceof RequestLogger) request.log.write(level, fields, 'request completed');
    else request.log[level](fields, 'request completed');
  }
}
