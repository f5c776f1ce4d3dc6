/**
 * API Gateway routes exactly what the api documents: each operation of the api's OpenAPI
 * document (built in-process, as the embedded server serves it at /docs/json) is a method of the
 * synthesized REST API, and the REST API has no method the api does not document. What must stay
 * inside the VPC is never routed, documented or not.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { embeddedOpenApiDocument } from '../../services/api/src/openapi-document.js';
import { apiMethods } from './support/rest-api.js';
import { synthesize, type Synthesized } from './support/synth.js';

/** Served by the api for scrapers inside the VPC (Prometheus text), never through the gateway. */
const INSIDE_THE_VPC_ONLY = ['/metrics'];

const OPERATIONS = ['get', 'put', 'post', 'delete', 'patch'];
const insideOnly = (path: string) =>
  INSIDE_THE_VPC_ONLY.some((inside) => path === inside || path.startsWith(`${inside}/`));

let app: Synthesized;
let documented: string[];
beforeAll(async () => {
  app = synthesize();
  const document = await embeddedOpenApiDocument();
  documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.keys(item ?? {})
      .filter((operation) => OPERATIONS.includes(operation))
      .map((operation) => `${operation.toUpperCase()} ${path}`),
  );
});

/** The REST API's methods as `METHOD /path`, CORS preflights (OPTIONS) left out. */
const routed = () =>
  apiMethods(app.template)
    .filter((method) => method.httpMethod !== 'OPTIONS')
    .map((method) => `${method.httpMethod} ${method.path}`);

describe('API Gateway routes', () => {
  it("are every operation of the api's OpenAPI document, and nothing it does not document", () => {
    expect(documented).toContain('POST /api/v1/ask');
    const expected = documented.filter((route) => !insideOnly(route.split(' ')[1]!));
    expect(
      routed().sort(),
      'API_ROUTES (infra/lib/constructs/edge/rest-api.ts) lists each documented operation',
    ).toEqual(expected.sort());
  });

  it('never include what must stay inside the VPC (/metrics), not even a CORS preflight', () => {
    const paths = apiMethods(app.template).map((method) => method.path);
    expect(paths.filter(insideOnly)).toEqual([]);
  });
});
