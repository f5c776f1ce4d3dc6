import {
  ConversationNotFoundError,
  IdempotencyConflictError,
  QuestionTooLongError,
  QueueUnavailableError,
  StoreFullError,
  TurnInProgressError,
} from '@iscoolgpt/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { problemTypes, type Problem } from '../../schemas/problem.js';

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_JSON).send(problem);
}

/** Every error leaves as RFC 9457 application/problem+json; unexpected ones say nothing internal. */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler((error: FastifyError, request, reply) => {
      const problem = toProblem(error, request);
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ status: problem.status, type: problem.type }, 'request rejected');
      if (problem.status === 503) reply.header('retry-after', '5');
      return sendProblem(reply, problem);
    });
    fastify.setNotFoundHandler((request, reply) =>
      sendProblem(reply, {
        type: problemTypes.notFound,
        title: 'Not found',
        status: 404,
        detail: `No route for ${request.method} ${request.url.split('?')[0]}`,
      }),
    );
  },
  { name: 'problem-details' },
);

function toProblem(error: FastifyError, request: FastifyRequest): Problem {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.flatMap((issue) => {
      const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
      const unknown = (issue.params as { keys?: string[] }).keys;
      if (issue.keyword === 'unrecognized_keys' && unknown) {
        return unknown.map((key) => ({
          in: error.validationContext ?? 'body',
          field: field ? `${field}.${key}` : key,
          message: 'unknown field',
        }));
      }
      return [{ in: error.validationContext ?? 'body', field, message: issue.message }];
    });
    return {
      type: problemTypes.validation,
      title: 'Invalid request',
      status: 400,
      detail: errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '),
      errors,
    };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        type: problemTypes.unsupportedMediaType,
        title: 'Unsupported media type',
        status: 415,
        detail: `Send the body as application/json (got ${request.headers['content-type'] ?? 'no content type'})`,
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
    return {
      type: 'about:blank',
      title: error.name,
      status: error.statusCode,
      detail: error.message,
    };
  }
  return {
    type: problemTypes.internal,
    title: 'Internal server error',
    status: 500,
    detail: 'Something went wrong on our side; the request id in x-request-id helps us find it',
  };
}
