import fastJson from 'fast-json-stringify';
import { z } from 'zod';

type JsonSchema = { [keyword: string]: unknown };

/**
 * Responses are serialized by fast-json-stringify (Fastify's own default) compiled from the
 * routes' zod schemas turned into JSON Schema, instead of a zod encode pass per response: the
 * same shape, a fraction of the cost on the hot path. Zod still validates every request.
 */
export const serializerCompiler = ({ schema }: { schema: z.ZodType }) =>
  fastJson(
    shapeOnly(
      z.toJSONSchema(schema, {
        io: 'output',
        target: 'draft-7',
        unrepresentable: 'any',
      }) as JsonSchema,
    ) as unknown as Parameters<typeof fastJson>[0],
  );

/** Keywords that check a value without changing how it is written. */
const VALUE_CHECKS = new Set([
  'format',
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'description',
]);

/**
 * The schema reduced to what serializing needs: value checks dropped, and `anyOf: [X, null]`
 * written as X with a nullable type. fast-json-stringify picks an `anyOf` branch by running ajv
 * on the value, date-time regexes included, for every response; a nullable type is a typeof test.
 * The output is the same: the values come from our own records, validated when they were made.
 */
function shapeOnly(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (VALUE_CHECKS.has(keyword) && typeof value !== 'object') continue;
    out[keyword] = reshape(value);
  }
  const branches = out.anyOf;
  if (Array.isArray(branches) && branches.length === 2) {
    const [branch, other] = branches as JsonSchema[];
    if (other?.type === 'null' && typeof branch?.type === 'string') {
      delete out.anyOf;
      return { ...out, ...branch, type: [branch.type, 'null'] };
    }
  }
  return out;
}

function reshape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reshape);
  if (value !== null && typeof value === 'object') return shapeOnly(value as JsonSchema);
  return value;
}
