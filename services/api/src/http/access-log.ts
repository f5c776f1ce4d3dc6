import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { pathOf } from './path.js';

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
    if (reply.statusCode === 503 && !error) request.log.warn(line, 'request completed');
    else if (error || reply.statusCode >= 500)
      request.log.error({ ...line, err: error }, 'request completed');
    else if (path === '/health') request.log.debug(line, 'request completed');
    else request.log.info(line, 'request completed');
  }
}
