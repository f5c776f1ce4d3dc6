/**
 * What each entry point of the package loads at run time: embedded mode imports `@iscoolgpt/shared`
 * and must not load the AWS SDK or the Redis client; the production services import
 * `@iscoolgpt/shared/aws`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const AWS_PACKAGES = /^(@aws-sdk\/|@smithy\/|sqs-consumer$)/;
const REDIS_PACKAGES = /^(ioredis|iovalkey|redis|@redis\/.*)$/;

/** The packages an entry point loads: its value imports followed through our own modules. */
function packagesLoadedBy(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      const specifier = runtimeSpecifier(statement);
      if (specifier === undefined) continue;
      if (specifier.startsWith('.'))
        visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  };
  visit(resolve(src, entry));
  return packages;
}

/** The module an import or re-export loads at run time; undefined when it is erased (type-only). */
function runtimeSpecifier(statement: ts.Statement): string | undefined {
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    const typeOnly =
      clause !== undefined &&
      (clause.isTypeOnly ||
        (clause.name === undefined &&
          clause.namedBindings !== undefined &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.every((element) => element.isTypeOnly)));
    return typeOnly ? undefined : (statement.moduleSpecifier as ts.StringLiteral).text;
  }
  if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
    const typeOnly =
      statement.isTypeOnly ||
      (statement.exportClause !== undefined &&
        ts.isNamedExports(statement.exportClause) &&
        statement.exportClause.elements.every((element) => element.isTypeOnly));
    return typeOnly ? undefined : (statement.moduleSpecifier as ts.StringLiteral).text;
  }
  return undefined;
}

describe('package entry points', () => {
  it('@iscoolgpt/shared (embedded mode) does not load the AWS SDK', () => {
    const loaded = [...packagesLoadedBy('index.ts')];
    expect(loaded.filter((name) => AWS_PACKAGES.test(name))).toEqual([]);
    expect(loaded).toEqual(expect.arrayContaining(['zod', 'pino', 'openai']));
  });

  it('@iscoolgpt/shared (embedded mode) does not load the Redis client', () => {
    expect([...packagesLoadedBy('index.ts')].filter((name) => REDIS_PACKAGES.test(name))).toEqual(
      [],
    );
  });

  it('@iscoolgpt/shared/aws loads the SDK clients, sqs-consumer and ioredis', () => {
    expect([...packagesLoadedBy('aws.ts')]).toEqual(
      expect.arrayContaining([
        '@aws-sdk/client-sqs',
        '@aws-sdk/client-dynamodb',
        '@aws-sdk/lib-dynamodb',
        'sqs-consumer',
        'ioredis',
      ]),
    );
  });
});
