/**
 * vitest globalSetup: one local AWS endpoint and one Redis server for the whole run (see
 * local-aws.ts and local-redis.ts for the order tried). A failure to provision either does not
 * stop the unit tests: it is handed to the suites that need it, which fail with it.
 */
import type { TestProject } from 'vitest/node';
import { DUMMY_AWS_ENV, startLocalAws, type LocalAws } from './local-aws.js';
import { startLocalRedis, type LocalRedis } from './local-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    localAws: { endpoint: string } | { error: string };
    localRedis: { url: string } | { error: string };
  }
}

export default async function setup(project: TestProject) {
  // Test workers inherit this environment; the SDK needs credentials, any will do locally.
  for (const [name, value] of Object.entries(DUMMY_AWS_ENV)) process.env[name] ??= value;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
  let localAws: LocalAws | undefined;
  let localRedis: LocalRedis | undefined;
  // Each on its own: one that fails leaves the other to the suites that need only it.
  await Promise.all([
    startLocalAws(process.env, log).then(
      (started) => {
        localAws = started;
        project.provide('localAws', { endpoint: started.endpoint });
      },
      (error: unknown) => project.provide('localAws', { error: reason(error) }),
    ),
    startLocalRedis(process.env, log).then(
      (started) => {
        localRedis = started;
        project.provide('localRedis', { url: started.url });
      },
      (error: unknown) => project.provide('localRedis', { error: reason(error) }),
    ),
  ]);
  return async () => {
    await Promise.all([localAws?.stop(), localRedis?.stop()]);
  };
}
