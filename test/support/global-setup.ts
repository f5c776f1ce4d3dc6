/**
 * vitest globalSetup: one local AWS endpoint for the whole run (see local-aws.ts for the order
 * tried). A failure to provision it does not stop the unit tests: it is handed to the AWS suites,
 * which fail with it.
 */
import type { TestProject } from 'vitest/node';
import { DUMMY_AWS_ENV, startLocalAws, type LocalAws } from './local-aws.js';

declare module 'vitest' {
  export interface ProvidedContext {
    localAws: { endpoint: string } | { error: string };
  }
}

export default async function setup(project: TestProject) {
  // Test workers inherit this environment; the SDK needs credentials, any will do locally.
  for (const [name, value] of Object.entries(DUMMY_AWS_ENV)) process.env[name] ??= value;
  let localAws: LocalAws | undefined;
  try {
    localAws = await startLocalAws(process.env, (line) => process.stderr.write(`${line}\n`));
    project.provide('localAws', { endpoint: localAws.endpoint });
  } catch (error) {
    project.provide('localAws', { error: error instanceof Error ? error.message : String(error) });
  }
  return async () => {
    await localAws?.stop();
  };
}
