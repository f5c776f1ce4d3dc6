import type { z } from 'zod';

/** A response header as a route documents it (OpenAPI header object, schema as JSON Schema). */
export interface HeaderDoc {
  description: string;
  required?: boolean;
  schema: { type: 'string' | 'integer'; [keyword: string]: unknown };
}

/** A response in the OpenAPI shape Fastify also reads: its media types, and the headers it sets. */
export interface ResponseDoc {
  description: string;
  content: Record<string, { schema: z.ZodType }>;
  headers?: Record<string, HeaderDoc>;
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** Sent on every response (a client's own id when it sent a well-formed one). */
export const requestIdHeader: HeaderDoc = {
  description:
    'The request id: the `x-request-id` the client sent when it is 1-128 characters of ' +
    '`A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it.',
  required: true,
  schema: { type: 'string' },
};

export const headerDocs = {
  location: {
    description: 'Where to poll the job: `/api/v1/jobs/{id}`',
    required: true,
    schema: { type: 'string' },
  },
  retryAfter: {
    description: 'Seconds to wait before polling again (or before retrying a 503)',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  preferenceApplied: {
    description:
      'RFC 7240: the preferences of `Prefer` the server honoured (`respond-async`, ' +
      '`wait=N` in whole seconds); absent when none was sent or none was honoured',
    schema: { type: 'string' },
  },
  cacheStatus: {
    description:
      'RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered ' +
      'from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is ' +
      'asked and its answer kept; `detail=unavailable` when the cache did not answer in time), ' +
      '`iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer ' +
      'replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, ' +
      'refused before any job existed, `detail=replay` for an Idempotency-Key replay, ' +
      '`detail=off` with ANSWER_CACHE=off)',
    required: true,
    schema: { type: 'string' },
  },
  allow: {
    description: 'The methods the path supports',
    required: true,
    schema: { type: 'string' },
  },
} satisfies Record<string, HeaderDoc>;

/** A JSON response with the headers it carries besides `x-request-id`. */
export function jsonResponse(
  schema: z.ZodType,
  description: string,
  headers: Record<string, HeaderDoc> = {},
): ResponseDoc {
  return { description, content: { 'application/json': { schema } }, headers };
}

/** A problem+json (RFC 9457) response. */
export function problemResponse(
  schema: z.ZodType,
  description: string,
  headers: Record<string, HeaderDoc> = {},
): ResponseDoc {
  return { description, content: { [PROBLEM_MEDIA_TYPE]: { schema } }, headers };
}
