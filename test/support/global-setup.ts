/**
 * vitest globalSetup: one local AWS (per service, see local-aws.ts for the routes) and one Redis
 * server for the whole run. A failure to provision either does not stop the unit tests: it is
 * handed to the suites that need it, which fail with it. `npm test` takes the `auto` route;
 * global-setup-localstack.ts (`npm run test:localstack`) the `localstack` one.
 */
import type { TestProject } from 'vitest/node';
import { DUMMY_AWS_ENV, startLocalAws, type LocalAws, type LocalAwsRoute } from './local-aws.js';
import { startLocalRedis, type LocalRedis } from './local-redis.js';

/** What the suites learn about the run's local AWS (test/support/aws-suite.ts reads it). */
export type ProvidedLocalAws = Pick<LocalAws, 'endpoints' | 'env' | 'sqsServer' | 'dynamodbServer'>;

declare module 'vitest' {
  export interface ProvidedContext {
    localAws: ProvidedLocalAws | { error: string };
    localRedis: { url: string } | { error: string };
  }
}

export function localServices(route: LocalAwsRoute) {
  return async function setup(project: TestProject) {
    // Test workers inherit this environment; the SDK needs credentials, any will do locally.
    for (const [name, value] of Object.entries(DUMMY_AWS_ENV)) process.env[name] ??= value;
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
    let localAws: LocalAws | undefined;
    let localRedis: LocalRedis | undefined;
    // Each on its own: one that fails leaves the other to the suites that need only it. One after
    // the other, not side by side: a first run installs each into a venv with spawnSync, which
    // blocks the event loop, and a readiness wait of the other running meanwhile would time out.
    try {
      localAws = await startLocalAws(process.env, log, route);
      const { endpoints, env, sqsServer, dynamodbServer } = localAws;
      project.provide('localAws', { endpoints, env, sqsServer, dynamodbServer });
    } catch (error) {
      project.provide('localAws', { error: reason(error) });
    }
    try {
      localRedis = await startLocalRedis(process.env, log);
      project.provide('localRedis', { url: localRedis.url });
    } catch (error) {
      project.provide('localRedis', { error: reason(error) });
    }
    return async () => {
      await Promise.all([localAws?.stop(), localRedis?.stop()]);
    };
  };
}

export default localServices('auto');
