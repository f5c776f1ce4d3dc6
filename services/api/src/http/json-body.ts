import type { FastifyInstance, FastifyRequest } from 'fastify';
import { problemTypes, titleForStatus, type Problem } from '../schemas/problem.js';

/** An error that already knows the problem the client gets; the error handler sends it as is. */
export class HttpProblem extends Error {
  constructor(
    readonly problem: Problem,
    /** Response headers the problem needs (e.g. `Accept-Encoding` on a 415 for a coding). */
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail);
    this.name = 'HttpProblem';
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The deepest nesting of arrays and objects a body may have. Every body the API takes is flat
 * (its deepest is 2); the cap keeps every walk over a body (the unsafe-key check here, the
 * fingerprint of an idempotent ask) from exhausting the stack on a body built to do so.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * The JSON body parser, strict where Fastify's default is lenient. JSON is UTF-8 (RFC 8259): a
 * body declared in another charset, or sent with a Content-Encoding we do not decode, is a 415,
 * not text decoded wrongly and stored with replacement characters; bytes that are not UTF-8, and
 * `\u` escapes that leave a lone surrogate, are a 400. A `__proto__` (or `constructor.prototype`)
 * member is refused by name, before anything can merge it into an object.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, parseJsonBody(request, body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

function parseJsonBody(request: FastifyRequest, body: Buffer): unknown {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new HttpProblem(
      {
        type: problemTypes.unsupportedMediaType,
        title: titleForStatus(415),
        status: 415,
        detail: 'Content-Encoding is not supported here: send the body uncompressed',
      },
      { 'accept-encoding': 'identity' },
    );
  }
  const contentType = request.headers['content-type'] ?? '';
  // Parameters come after a semicolon: the usual bare `application/json` skips the pattern.
  const charset = contentType.includes(';')
    ? /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]
    : undefined;
  if (charset && !/^utf-?8$/i.test(charset)) {
    throw new HttpProblem({
      type: problemTypes.unsupportedMediaType,
      title: titleForStatus(415),
      status: 415,
      detail: 'JSON bodies are UTF-8 (RFC 8259): send charset=utf-8 or no charset',
    });
  }
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw malformed('The body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(text.trim() === '' ? 'The body is empty' : 'The body is not valid JSON');
  }
  const unsafe = findUnsafe(value, '', 1);
  if (unsafe) {
    throw new HttpProblem({
      type: problemTypes.validation,
      title: 'Invalid request',
      status: 400,
      detail: `${unsafe.field}: ${unsafe.message}`,
      errors: [{ in: 'body', ...unsafe }],
    });
  }
  return value;
}

function malformed(detail: string): HttpProblem {
  return new HttpProblem({
    type: problemTypes.malformedJson,
    title: 'Malformed JSON',
    status: 400,
    detail,
  });
}

/**
 * The first member name or string that must not pass: prototype keys, lone surrogates. A field's
 * path is spelled out only for what is reported or descended into: this walks every body. Throws
 * the 400 for a body nested deeper than MAX_BODY_DEPTH (`depth` is the value's own level).
 */
function findUnsafe(
  value: unknown,
  path: string,
  depth: number,
): { field: string; message: string } | undefined {
  if (typeof value === 'string') {
    return value.isWellFormed()
      ? undefined
      : { field: path, message: 'contains a lone surrogate (not Unicode text)' };
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_BODY_DEPTH) throw tooDeep();
  const members = value as Record<string, unknown>;
  for (const key of Object.keys(members)) {
    const member = members[key];
    if (key === '__proto__' || (key === 'constructor' && member && typeof member === 'object')) {
      return { field: fieldOf(path, key), message: 'this member name is not allowed' };
    }
    if (!key.isWellFormed()) {
      return {
        field: fieldOf(path, key),
        message: 'the member name contains a lone surrogate (not Unicode text)',
      };
    }
    if (typeof member === 'string' && member.isWellFormed()) continue;
    if (typeof member !== 'string' && (member === null || typeof member !== 'object')) continue;
    const found = findUnsafe(member, fieldOf(path, key), depth + 1);
    if (found) return found;
  }
  return undefined;
}

function tooDeep(): HttpProblem {
  const message = `arrays and objects are nested more than ${MAX_BODY_DEPTH} levels deep`;
  return new HttpProblem({
    type: problemTypes.validation,
    title: 'Invalid request',
    status: 400,
    detail: `The body's ${message}; no request needs that many`,
    errors: [{ in: 'body', field: '', message }],
  });
}

function fieldOf(path: string, key: string): string {
  return path ? `${path}.${key.slice(0, 100)}` : key.slice(0, 100);
}
