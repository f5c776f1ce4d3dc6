/**
 * The page's API types, generated from the OpenAPI document the API serves (openapi-typescript),
 * so that the page and the API share one contract. The document is built in-process from the app
 * (services/api/src/openapi-document.ts: what `npm start` serves), not fetched from a running
 * server.
 *
 *   npm run api-types            writes web/src/api/openapi.gen.ts
 *   npm run api-types -- --check exits 1 when the committed file differs (web/test/api-types.test.ts
 *                                runs the same comparison in `npm test`)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { embeddedOpenApiDocument } from '../../services/api/src/openapi-document.js';

export const GENERATED_PATH = fileURLToPath(new URL('../src/api/openapi.gen.ts', import.meta.url));

const HEADER = `/**
 * GENERATED from the API's OpenAPI document by web/scripts/api-types.ts: do not edit.
 * Regenerate with \`npm run api-types\`; \`npm test\` fails while this file differs from what the
 * API serves.
 */
`;

/** The OpenAPI document as the embedded server serves it at /docs/json. */
export async function openApiDocument(): Promise<OpenAPI3> {
  return (await embeddedOpenApiDocument()) as unknown as OpenAPI3;
}

/** The generated module's text, formatted as the repository formats TypeScript. */
export async function generateApiTypes(): Promise<string> {
  // enumValues: the enums also as runtime arrays (jobStatusValues, jobModeValues…), so that the
  // page lists modes and statuses from the contract, not from copies.
  const document = await openApiDocument();
  const ast = await openapiTS(document, { enumValues: true, silent: true });
  const options = (await resolveConfig(GENERATED_PATH)) ?? {};
  const text = HEADER + astToString(ast) + maxLengths(document);
  return format(text, { ...options, filepath: GENERATED_PATH });
}

/** The request bodies whose length limits the page shows before sending (a counter). */
const BODIES: Record<string, [path: string, method: string]> = {
  ask: ['/api/v1/ask', 'post'],
  feedback: ['/api/v1/jobs/{id}/feedback', 'put'],
};

/** `maxLength` of each string field of those bodies, as a constant the page can read. */
function maxLengths(document: OpenAPI3): string {
  const limits: Record<string, Record<string, number>> = {};
  for (const [name, [path, method]] of Object.entries(BODIES)) {
    const operation = (document.paths?.[path] as Record<string, unknown> | undefined)?.[method];
    const schema = (
      operation as { requestBody?: { content?: Record<string, { schema?: unknown }> } }
    )?.requestBody?.content?.['application/json']?.schema as
      { properties?: Record<string, { maxLength?: number }> } | undefined;
    if (!schema?.properties) throw new Error(`no JSON body for ${method} ${path}`);
    limits[name] = Object.fromEntries(
      Object.entries(schema.properties)
        .filter(([, property]) => typeof property.maxLength === 'number')
        .map(([field, property]) => [field, property.maxLength!]),
    );
  }
  return (
    `\n/** Length limits of the request bodies' string fields (their \`maxLength\`). */\n` +
    `export const maxLengths = ${JSON.stringify(limits)} as const;\n`
  );
}

export function committedApiTypes(): string {
  try {
    return readFileSync(GENERATED_PATH, 'utf8');
  } catch {
    return '';
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const generated = await generateApiTypes();
  if (process.argv.includes('--check')) {
    if (generated !== committedApiTypes()) {
      console.error(`${GENERATED_PATH} differs from the API's OpenAPI document: npm run api-types`);
      process.exit(1);
    }
    console.log('the page’s API types match the OpenAPI document');
  } else {
    writeFileSync(GENERATED_PATH, generated);
    console.log(`wrote ${GENERATED_PATH}`);
  }
}
