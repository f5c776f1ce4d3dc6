import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { ProviderName } from '@iscoolgpt/shared';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { securitySchemes } from '../../schemas/auth.js';
import type { HeaderDoc } from '../../schemas/responses.js';

type Transform = typeof jsonSchemaTransform;
type Responses = Record<string, { content?: unknown; headers?: Record<string, HeaderDoc> }>;

/** Marks a required header through @fastify/swagger, which only copies a header's schema. */
const REQUIRED = 'x-required';

type JsonSchema = Record<string, unknown>;

/**
 * A body's `provider` as this server takes it: the request schema lists every provider the code
 * knows, but an ask naming one this deployment lacks is refused (422), so the document offers only
 * those it accepts, and with none (the offline demo) says the field is unavailable.
 */
function providerField(field: JsonSchema, providers: readonly ProviderName[]): JsonSchema {
  if (providers.length > 0) return { ...field, enum: [...providers] };
  return {
    description:
      'unavailable here: this server has no provider key and answers with its offline demo ' +
      'provider; send no `provider`',
    not: {},
  };
}

/**
 * A body's `model` as this server takes it: any name passes the request schema, but only the
 * allowlist (LLM_MODELS) is accepted (422 otherwise), so the document lists exactly those.
 */
function modelField(field: JsonSchema, models: readonly string[]): JsonSchema {
  if (models.length > 0) {
    const { pattern: _pattern, minLength: _min, maxLength: _max, ...rest } = field;
    return { ...rest, enum: [...models] };
  }
  return {
    description: 'unavailable here: this server allows no model choice; send no `model`',
    not: {},
  };
}

/** What the document offers for the body fields a deployment narrows. */
export interface AcceptedChoices {
  providers: readonly ProviderName[];
  models: readonly string[];
}

/**
 * The zod transform, keeping the response headers routes document (the zod transform drops
 * them from responses written per media type): @fastify/swagger reads them as JSON Schemas.
 * A body's `provider` and `model` offer what this server accepts.
 */
const transformWith =
  ({ providers, models }: AcceptedChoices): Transform =>
  (document) => {
    const response = (document.schema as { response?: Responses } | undefined)?.response;
    const result = jsonSchemaTransform(document);
    const body = (result.schema as { body?: { properties?: Record<string, JsonSchema> } }).body;
    if (body?.properties?.provider) {
      body.properties.provider = providerField(body.properties.provider, providers);
    }
    if (body?.properties?.model) {
      body.properties.model = modelField(body.properties.model, models);
    }
    const transformed = (result.schema as { response?: Record<string, Record<string, unknown>> })
      .response;
    if (!response || !transformed) return result;
    for (const [status, doc] of Object.entries(response)) {
      if (!doc?.headers || !transformed[status]) continue;
      transformed[status].headers = Object.fromEntries(
        Object.entries(doc.headers).map(([name, header]) => [
          name,
          {
            ...header.schema,
            description: header.description,
            ...(header.required && { [REQUIRED]: true }),
          },
        ]),
      );
    }
    return result;
  };

/** The document, with each required response header marked `required` where OpenAPI wants it. */
const transformObject: typeof jsonSchemaTransformObject = (document) => {
  const openapi = jsonSchemaTransformObject(document) as {
    paths?: Record<string, Record<string, { responses?: Responses }>>;
  };
  for (const operations of Object.values(openapi.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        for (const header of Object.values(response.headers ?? {}) as {
          required?: boolean;
          schema?: Record<string, unknown>;
        }[]) {
          if (header.schema?.[REQUIRED]) {
            delete header.schema[REQUIRED];
            header.required = true;
          }
        }
      }
    }
  }
  return openapi as ReturnType<typeof jsonSchemaTransformObject>;
};

/** OpenAPI generated from the routes' zod schemas; JSON at /docs/json, interactive docs at /docs. */
export default fp<AcceptedChoices>(
  async (fastify, choices) => {
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'IsCoolGPT API',
          description:
            'A study assistant: ask a question, get an answer now or a job to poll. ' +
            'Errors are RFC 9457 application/problem+json, with `type`, `title`, `status` and ' +
            '`detail`; every response carries `x-request-id`. Strings in request bodies are ' +
            'trimmed of leading and trailing whitespace before they are checked and stored ' +
            '(length limits apply to the trimmed text).',
          version: '1.0.0',
        },
        tags: [
          { name: 'ask', description: 'Ask questions' },
          { name: 'jobs', description: 'Follow a question that is still being answered' },
          { name: 'conversations', description: 'Read or erase a thread of turns' },
          { name: 'identity', description: 'Guest sessions and who is asking' },
          { name: 'health', description: 'Liveness' },
        ],
        components: { securitySchemes },
      },
      transform: transformWith(choices),
      transformObject,
    });
    await fastify.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'swagger' },
);
