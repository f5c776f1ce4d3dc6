import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One access line per request, written when the response is done, instead of Fastify's
 * "incoming request" + "request completed" pair. It carries the request id and, for asks, the
 * job id (`request.jobId`, set by the routes). Health probes log at debug level.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      jobId: request.jobId,
      responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error || reply.statusCode >= 500)
      request.log.error({ ...line, err: error }, 'request completed');
    else if (request.url === '/health') request.log.debug(line, 'request completed');
    else request.log.info(line, 'request completed');
  }
}
