import {
  ClaimNotAllowedError,
  ConversationNotFoundError,
  InvalidCursorError,
  IdempotencyConflictError,
  ModelNotAllowedError,
  ProviderNotConfiguredError,
  QuestionTooLongError,
  QueueUnavailableError,
  StoreFullError,
  TurnInProgressError,
  LimitReachedError,
} from '@iscoolgpt/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { problemTypes, titleForStatus, type Problem } from '../../schemas/problem.js';
import { HttpProblem } from '../../http/json-body.js';
import { pathOf } from '../../http/path.js';
import { setRefusalHeaders } from '../../http/rate-limit.js';

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_JSON).send(problem);
}

/** Every error leaves as RFC 9457 application/problem+json; unexpected ones say nothing internal. */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler((error: FastifyError, request, reply) => {
      const problem = toProblem(error, request);
      if (error instanceof StoreFullError) {
        // An expected refusal under load: worth a warning, not a stack trace or a page.
        request.log.warn({ status: problem.status, type: problem.type }, error.message);
      } else if (problem.status >= 500) {
        request.log.error({ err: error }, 'request failed');
      } else {
        request.log.info({ status: problem.status, type: problem.type }, 'request rejected');
      }
      if (error instanceof HttpProblem) reply.headers(error.headers);
      if (error instanceof LimitReachedError) setRefusalHeaders(reply, error);
      if (problem.status === 503) reply.header('retry-after', '5');
      return sendProblem(reply, problem);
    });
    // A known path with another method never gets here: allowed-methods answers 405 first.
    fastify.setNotFoundHandler((request, reply) => {
      const path = pathOf(request.url);
      return sendProblem(reply, {
        type: problemTypes.notFound,
        title: titleForStatus(404),
        status: 404,
        detail: `No route for ${request.method} ${truncate(path)}`,
      });
    });
  },
  { name: 'problem-details' },
);

/** Longest path parameter the router accepts; longer ones are refused before any route runs. */
export const MAX_PARAM_LENGTH = 1024;

/**
 * Fastify's `frameworkErrors`: URLs the router refuses before any hook runs (a bad
 * percent-encoding such as `%zz`, a path parameter over MAX_PARAM_LENGTH). Answered as
 * problem+json with the request id, never echoing the URL.
 */
export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  reply.header('x-request-id', request.id);
  request.log.info({ code: error.code }, 'request rejected by the router');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    const message = `must be at most ${MAX_PARAM_LENGTH} characters`;
    return sendProblem(reply, {
      type: problemTypes.validation,
      title: 'Invalid request',
      status: 400,
      detail: `A path parameter ${message}`,
      errors: [{ in: 'params', field: '', message }],
    });
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return sendProblem(reply, {
      type: problemTypes.malformedRequest,
      title: titleForStatus(400),
      status: 400,
      detail: 'The URL is not valid (a malformed percent-encoding)',
    });
  }
  request.log.error({ err: error }, 'request failed in the router');
  return sendProblem(reply, internalProblem);
}

const internalProblem: Problem = {
  type: problemTypes.internal,
  title: titleForStatus(500),
  status: 500,
  detail: 'Something went wrong on our side; the request id in x-request-id helps us find it',
};

/** Client-supplied text echoed in a detail is cut to this many characters. */
const ECHO_LIMIT = 100;

export function truncate(text: string, limit = ECHO_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}…`;
}

/** At most this many entries in `errors`: a body with thousands of bad fields gets a short answer. */
export const MAX_LISTED_ERRORS = 20;

function toProblem(error: FastifyError, request: FastifyRequest): Problem {
  if (error instanceof HttpProblem) return error.problem;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const all = error.validation.flatMap((issue) => {
      const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
      const unknown = (issue.params as { keys?: string[] }).keys;
      if (issue.keyword === 'unrecognized_keys' && unknown) {
        return unknown.map((key) => ({
          in: error.validationContext ?? 'body',
          field: truncate(field ? `${field}.${key}` : key),
          message: 'unknown field',
        }));
      }
      return [
        { in: error.validationContext ?? 'body', field: truncate(field), message: issue.message },
      ];
    });
    const errors = all.slice(0, MAX_LISTED_ERRORS);
    const more = all.length - errors.length;
    return {
      type: problemTypes.validation,
      title: 'Invalid request',
      status: 400,
      detail:
        errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ') +
        (more > 0 ? `; and ${more} more` : ''),
      errors,
      ...(more > 0 && { errorCount: all.length }),
    };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        type: problemTypes.unsupportedMediaType,
        title: 'Unsupported media type',
        status: 415,
        detail: `Send the body as application/json (got ${truncate(request.headers['content-type'] ?? 'no content type')})`,
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        type: problemTypes.payloadTooLarge,
        title: 'Payload too large',
        status: 413,
        detail: `The body must be at most ${request.routeOptions.bodyLimit ?? 0} bytes`,
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        type: problemTypes.malformedJson,
        title: 'Malformed JSON',
        status: 400,
        detail: 'The body is not valid JSON',
      };
  }
  if (error instanceof IdempotencyConflictError) {
    return {
      type: problemTypes.idempotencyConflict,
      title: 'Idempotency-Key reused',
      status: 422,
      detail: error.message,
      code: 'idempotency_key_reused',
    };
  }
  if (error instanceof ProviderNotConfiguredError) {
    return {
      type: problemTypes.providerNotConfigured,
      title: 'Provider not configured',
      status: 422,
      detail: error.message,
      code: 'provider_not_configured',
      providers: [...error.available],
    };
  }
  if (error instanceof InvalidCursorError) {
    return {
      type: problemTypes.validation,
      title: 'Invalid request',
      status: 400,
      detail: `cursor: ${error.message}`,
      errors: [{ in: 'querystring', field: 'cursor', message: error.message }],
    };
  }
  if (error instanceof ClaimNotAllowedError) {
    return {
      type: problemTypes.forbidden,
      title: 'Forbidden',
      status: 403,
      detail: error.message,
      code: 'sign_in_required',
    };
  }
  if (error instanceof ModelNotAllowedError) {
    return {
      type: problemTypes.modelNotAllowed,
      title: 'Model not allowed',
      status: 422,
      detail: error.message,
      code: 'model_not_allowed',
      models: [...error.allowed],
    };
  }
  if (error instanceof LimitReachedError) {
    return {
      type: problemTypes.limitReached,
      title: 'Limit reached',
      status: 429,
      detail: error.message,
      code: error.code,
      limit: error.limit,
      allowed: error.allowed,
      ...(error.resetsAt && { resetsAt: error.resetsAt }),
    };
  }
  if (error instanceof ConversationNotFoundError) {
    return {
      type: problemTypes.notFound,
      title: 'Conversation not found',
      status: 404,
      detail: error.message,
    };
  }
  if (error instanceof TurnInProgressError) {
    return {
      type: problemTypes.turnInProgress,
      title: 'A turn is in progress',
      status: 409,
      detail: error.message,
      code: 'turn_in_progress',
      conversationId: error.conversationId,
      jobId: error.jobId,
    };
  }
  if (error instanceof QuestionTooLongError) {
    return {
      type: problemTypes.questionTooLong,
      title: 'Question too long',
      status: 422,
      detail: error.message,
      code: 'question_too_long',
      tokens: error.tokens,
      maxTokens: error.maxTokens,
    };
  }
  if (error instanceof StoreFullError || error instanceof QueueUnavailableError) {
    return {
      type: problemTypes.unavailable,
      title: 'Service unavailable',
      status: 503,
      detail: error.message,
    };
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // A framework error (an invalid Content-Length, an aborted body): its message is Fastify's
    // own and names no internals, but its class name is no title.
    return {
      type: 'about:blank',
      title: titleForStatus(error.statusCode),
      status: error.statusCode,
      detail: error.message,
    };
  }
  return internalProblem;
}
