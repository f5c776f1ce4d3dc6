import fp from 'fastify-plugin';
import { z } from 'zod';
import { problemSchema } from '../../schemas/problem.js';
import {
  PROBLEM_MEDIA_TYPE,
  problemResponse,
  requestIdHeader,
  type ResponseDoc,
} from '../../schemas/responses.js';

type ResponseSchemas = Record<string, unknown>;

const isZod = (value: unknown): value is z.ZodType => value instanceof z.ZodType;
const isError = (status: string) => status === 'default' || Number(status[0]) >= 4;

/**
 * Makes every route's documented responses say what the server sends, so a route written with
 * bare zod schemas (`400: validationProblemSchema`) is documented truly without ceremony:
 * error statuses as `application/problem+json`, other bodies as `application/json`, every
 * response with its `x-request-id` header, and a `default` problem for the errors any route may
 * answer (405, 408, 431, 500, …). Routes added later, by any plugin, get the same. Register it
 * before the routes.
 */
export default fp(
  async (fastify) => {
    fastify.addHook('onRoute', (route) => {
      const schema = route.schema as { response?: ResponseSchemas; hide?: boolean } | undefined;
      if (!schema?.response || schema.hide) return;
      const response: ResponseSchemas = {};
      for (const [status, value] of Object.entries(schema.response)) {
        response[status] = documented(status, value);
      }
      response.default ??= documented(
        'default',
        problemResponse(
          problemSchema,
          'Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json',
        ),
      );
      schema.response = response;
    });
  },
  { name: 'response-docs' },
);

function documented(status: string, value: unknown): unknown {
  if (isZod(value)) {
    // A response without a body (204) stays as it is.
    if (value instanceof z.ZodNull) return value;
    const description = value.description ?? (isError(status) ? 'Problem' : 'Success');
    const mediaType = isError(status) ? PROBLEM_MEDIA_TYPE : 'application/json';
    return withRequestId({ description, content: { [mediaType]: { schema: value } } });
  }
  const doc = value as ResponseDoc;
  if (!doc.content) return value;
  const content = { ...doc.content };
  const json = content['application/json'];
  if (isError(status) && json) {
    delete content['application/json'];
    content[PROBLEM_MEDIA_TYPE] = json;
  }
  return withRequestId({ ...doc, content });
}

function withRequestId(doc: ResponseDoc): ResponseDoc {
  return { ...doc, headers: { 'x-request-id': requestIdHeader, ...doc.headers } };
}
