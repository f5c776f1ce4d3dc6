/**
 * The page's API types are the API's contract: the committed openapi.gen.ts must be what
 * openapi-typescript makes of the OpenAPI document the API serves today.
 */
import { describe, expect, it } from 'vitest';
import { committedApiTypes, generateApiTypes, GENERATED_PATH } from '../scripts/api-types.js';

describe("the page's API types", () => {
  it('match the OpenAPI document the API serves (else: npm run api-types)', async () => {
    const generated = await generateApiTypes();
    expect(generated).toContain("'/api/v1/ask'");
    const [fresh, committed] = [generated.split('\n'), committedApiTypes().split('\n')];
    const lines = Math.max(fresh.length, committed.length);
    const line = Array.from({ length: lines }).findIndex((_, i) => fresh[i] !== committed[i]);
    expect(line, `${GENERATED_PATH}:${line + 1} is stale: run npm run api-types`).toBe(-1);
  });
});
