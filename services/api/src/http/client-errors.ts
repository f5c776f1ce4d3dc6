import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { problemTypes, titleForStatus, type Problem } from '../schemas/problem.js';

/** What Node's HTTP server hands a `clientError` listener: llhttp's code, or a timeout's. */
export interface ClientError extends Error {
  code?: string;
}

/**
 * Errors Node's HTTP parser and timeouts raise before (or while) Fastify sees the request: a bare
 * CR or LF in a header, a duplicate Content-Length, headers over the size limit, a body that does
 * not arrive in time. There is no request or reply object, so the answer is written to the
 * socket by hand, still as problem+json with an `x-request-id`, and the connection is closed.
 */
export function clientErrorHandler(logger: FastifyBaseLogger, requestTimeoutSeconds: number) {
  return (error: ClientError, socket: Socket): void => {
    // A reset or closed connection has nobody left to answer; an answered one was already logged.
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    const requestId = randomUUID();
    const problem = clientProblem(error, requestTimeoutSeconds);
    logger.info(
      { reqId: requestId, code: error.code, statusCode: problem.status },
      'request refused by the HTTP server (parser error or timeout)',
    );
    // A response already under way (its headers sent) cannot be replaced: just close.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (!inFlight?.headersSent) {
      const body = JSON.stringify(problem);
      socket.end(
        `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
          'content-type: application/problem+json; charset=utf-8\r\n' +
          `content-length: ${Buffer.byteLength(body)}\r\n` +
          `x-request-id: ${requestId}\r\n` +
          'connection: close\r\n\r\n' +
          body,
      );
      // end() waits for the client to close its side; a client that never does is cut.
      socket.setTimeout(1000, () => socket.destroy());
    } else {
      socket.destroy();
    }
  };
}

function clientProblem(error: ClientError, requestTimeoutSeconds: number): Problem {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        type: problemTypes.requestTimeout,
        title: titleForStatus(408),
        status: 408,
        detail: `The request (headers and body) must arrive within ${requestTimeoutSeconds} s`,
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        type: problemTypes.headersTooLarge,
        title: titleForStatus(431),
        status: 431,
        detail: 'The request line and headers are larger than the server accepts',
      };
    default:
      return {
        type: problemTypes.malformedRequest,
        title: titleForStatus(400),
        status: 400,
        // llhttp's codes are fixed names (HPE_INVALID_HEADER_TOKEN, …), safe to show.
        detail: `The request is not valid HTTP/1.1${error.code ? ` (${error.code})` : ''}`,
      };
  }
}
