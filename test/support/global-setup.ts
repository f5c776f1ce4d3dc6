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
  // Each on its own: one that fails leaves the other to the suites that need only it. One after
  // the other, not side by side: a first run installs each into a venv with spawnSync, which
  // blocks the event loop, and a readiness wait of the other running meanwhile would time out.
  try {
    localAws = await startLocalAws(process.env, log);
    project.provide('localAws', { endpoint: localAws.endpoint });
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
}
