/**
 * The production-only install boots both services. There is no Docker engine here, so this
 * replays, from docker/Dockerfile's own instructions, what building each target does:
 *   1. the build stage's compile step, run in the repository (whose dev dependencies are installed);
 *   2. the `<service>-app` stage in a temporary folder standing for /app: the manifests it copies
 *      from the context, its `npm ci --omit=dev ...` (offline, from the npm cache the repository's
 *      own `npm ci` filled), then the compiled folders it copies from the build stage;
 *   3. each target's CMD with the image's ENV, on Node 24 and with no npm on PATH (the image
 *      removes it), against the run's local AWS (test/support): the api's HEALTHCHECK probe
 *      passes, one ask goes from the api through SQS to the worker and back through DynamoDB,
 *      and both exit 0 on SIGTERM.
 * A runtime dependency declared only as a dev dependency, or only in another workspace, fails here
 * with ERR_MODULE_NOT_FOUND instead of in ECS.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsSuite, type AwsSuite } from '../support/aws-suite.js';
import { freePort } from '../support/host.js';
import {
  appStageName,
  copySpec,
  environment,
  envVariables,
  execForm,
  instructions,
  isNpmInstall,
  last,
  lineage,
  readDockerfile,
  repoRoot,
  shellCommand,
  stage,
  type Stage,
  WORKDIR,
} from '../../docker/test/support/dockerfile.js';

const dockerfile = readDockerfile();
/** Vitest runs on the repository's pinned Node 24, the release the image's base carries. */
const nodeBinDir = dirname(process.execPath);
const missingModule = /ERR_MODULE_NOT_FOUND|Cannot find (module|package)/;

const staging = mkdtempSync(join(tmpdir(), 'iscoolgpt-prod-install-'));
const children: ChildProcess[] = [];

// Two production trees of tens of thousands of files each (most of them the OpenTelemetry SDK): on a
// busy machine removing them takes minutes.
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(staging, { recursive: true, force: true });
}, 300_000);

function run(command: string, cwd: string, env: Record<string, string>) {
  const result = spawnSync('/bin/sh', ['-c', command], {
    cwd,
    // A clean environment, as in a build container: the npm_* variables of an `npm test` run
    // would otherwise leak into the nested npm. The cache location is kept: it is the one filled.
    env: {
      HOME: process.env.HOME ?? tmpdir(),
      PATH: `${nodeBinDir}:${process.env.PATH ?? ''}`,
      ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
      ...env,
    },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    const hint = /ENOTCACHED/.test(result.stderr)
      ? '\nThis test installs offline from the npm cache, which lacks a package of the lockfile: ' +
        'run `npm ci` once (it fills the cache), then the test again.\n'
      : '';
    throw new Error(
      `\`${command}\` in ${cwd} exited ${result.status}:${hint}\n${result.stdout}${result.stderr}`,
    );
  }
}

/** Stages the target's compiled code comes from, i.e. where its `COPY --from` of /app/... points. */
function buildStages(target: string): Stage[] {
  const froms = lineage(dockerfile, appStageName(dockerfile, target))
    .flatMap((s) => instructions([s], 'COPY').map(copySpec))
    .map((c) => c.from)
    .filter((from): from is string => from !== undefined);
  return [...new Set(froms)].map((name) => stage(dockerfile, name));
}

/** Replays a stage lineage into `root` (standing for /app): ENV, WORKDIR, COPY and RUN. */
function replay(chain: readonly Stage[], root: string) {
  const env: Record<string, string> = {
    // Hermetic: everything comes from the npm cache the repository's own install filled.
    npm_config_offline: 'true',
  };
  for (const s of chain) {
    for (const instruction of s.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'ENV') Object.assign(env, envVariables(instruction));
      else if (keyword === 'WORKDIR') {
        expect(instruction.getArguments()[0]?.getValue()).toBe(WORKDIR);
      } else if (keyword === 'RUN') run(shellCommand(instruction), root, env);
      else if (keyword === 'COPY') copy(copySpec(instruction), root);
      else throw new Error(`the replay does not model ${keyword} (stage ${s.name})`);
    }
  }
}

function copy(spec: ReturnType<typeof copySpec>, root: string) {
  for (const source of spec.sources) {
    // From the context (the repository), or from the build stage, whose /app is the repository
    // where the compile step ran.
    const from = join(repoRoot, spec.from === undefined ? source : relative(WORKDIR, source));
    if (!existsSync(from)) throw new Error(`COPY ${source}: ${from} does not exist (not built?)`);
    // As Docker does: a file copied to a folder keeps its name; a folder's contents are copied.
    const destination =
      statSync(from).isFile() && spec.destination.endsWith('/')
        ? join(root, spec.destination, basename(source))
        : join(root, spec.destination);
    mkdirSync(dirname(destination), { recursive: true });
    cpSync(from, destination, { recursive: true });
  }
}

/** Starts the target's CMD the way the container runtime does: argv as given, cwd /app, the image's ENV. */
function start(target: string, root: string, env: Record<string, string>) {
  const chain = lineage(dockerfile, target);
  const argv = execForm(last(chain, 'CMD')!)!;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: root,
    env: { ...environment(chain), ...env, PATH: nodeBinDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | string | null> {
  if (child.exitCode !== null) return child.exitCode;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  return code ?? signal;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(() => {
  expect(process.versions.node.split('.')[0], 'tests run on the pinned Node 24').toBe('24');
  const compileSteps = new Set(
    ['api', 'worker']
      .flatMap(buildStages)
      .flatMap((s) => lineage(dockerfile, s.name))
      .flatMap((s) => instructions([s], 'RUN').map(shellCommand))
      .filter((command) => !isNpmInstall(command)),
  );
  expect(compileSteps.size).toBeGreaterThan(0);
  for (const command of compileSteps) run(command, repoRoot, {});
  for (const target of ['api', 'worker']) {
    replay(lineage(dockerfile, appStageName(dockerfile, target)), join(staging, target));
  }
}, 240_000);

describe.each(['api', 'worker'])('the %s production tree', (target) => {
  it('holds its runtime dependencies and none of the dev tools or infra CDK libraries', () => {
    const modules = join(staging, target, 'node_modules');
    expect(existsSync(join(modules, '@iscoolgpt/shared'))).toBe(true);
    const unwanted = [
      'typescript',
      'vitest',
      'eslint',
      'tsx',
      'aws-cdk-lib',
      'aws-cdk',
      'constructs',
    ];
    expect(unwanted.filter((name) => existsSync(join(modules, name)))).toEqual([]);
  });
});

describe('the two image commands on their production trees, against local AWS', () => {
  let suite: AwsSuite;
  let api: ReturnType<typeof start>;
  let worker: ReturnType<typeof start>;
  let port: string;
  let probe: () => number | null;

  beforeAll(async () => {
    suite = await createAwsSuite();
    port = String(await freePort());
    api = start('api', join(staging, 'api'), { ...suite.env, PORT: port, HOST: '127.0.0.1' });
    worker = start('worker', join(staging, 'worker'), suite.env);
    const chain = lineage(dockerfile, 'api');
    // The probe as the image declares it, aimed at the port this run listens on.
    const imagePort = environment(chain).PORT!;
    const probeArgv = execForm(last(chain, 'HEALTHCHECK')!)!.map((arg) =>
      arg.replaceAll(`:${imagePort}/`, `:${port}/`),
    );
    probe = () =>
      spawnSync(probeArgv[0]!, probeArgv.slice(1), { env: { PATH: nodeBinDir }, timeout: 10_000 })
        .status;
  }, 60_000);

  afterAll(async () => {
    await suite?.cleanup();
  });

  it('the api passes its HEALTHCHECK probe', async () => {
    let healthy = false;
    for (let i = 0; i < 100 && !healthy && api.child.exitCode === null; i++) {
      healthy = probe() === 0;
      if (!healthy) await sleep(200);
    }
    expect(api.output()).not.toMatch(missingModule);
    expect(healthy, `the HEALTHCHECK probe passed; api output:\n${api.output()}`).toBe(true);
  });

  it('an ask the api accepts is answered by the worker, through SQS and DynamoDB', async () => {
    expect(worker.child.exitCode, `the worker is running; output:\n${worker.output()}`).toBeNull();
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=20' },
      body: JSON.stringify({ question: 'What does a production-only install leave out?' }),
    });
    const job = (await response.json()) as { status: string; answer: unknown };
    expect(
      { status: response.status, job: job.status },
      `api:\n${api.output()}\nworker:\n${worker.output()}`,
    ).toEqual({ status: 200, job: 'completed' });
    expect(job.answer).toEqual(expect.any(String));
    expect(worker.output()).not.toMatch(missingModule);
    expect(worker.child.exitCode).toBeNull();
  }, 40_000);

  it('both exit 0 on SIGTERM, and the api probe then fails', async () => {
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    const [apiExit, workerExit] = await Promise.all([
      exitOf(api.child, 30_000),
      exitOf(worker.child, 45_000),
    ]);
    expect({ api: apiExit, worker: workerExit }).toEqual({ api: 0, worker: 0 });
    expect(probe()).not.toBe(0);
  }, 60_000);
});
