/**
 * The production-only install boots both services. There is no Docker engine here, so this
 * replays, from docker/Dockerfile's own instructions, what building each target does:
 *   1. the build stage's compile step, run in the repository (whose dev dependencies are installed);
 *   2. the `<service>-app` stage in a temporary folder standing for /app: the manifests it copies
 *      from the context, its `npm ci --omit=dev ...` (offline, from the npm cache the repository's
 *      own `npm ci` filled), then the compiled folders it copies from the build stage;
 *   3. the target's CMD with the image's ENV, on Node 24 and with no npm on PATH (the image
 *      removes it), with dummy AWS settings pointing at a closed local port; for the api, its
 *      HEALTHCHECK probe too.
 * A runtime dependency declared only as a dev dependency, or only in another workspace, fails here
 * with ERR_MODULE_NOT_FOUND instead of in ECS.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copySpec,
  environment,
  envVariables,
  execForm,
  instructions,
  last,
  lineage,
  readDockerfile,
  repoRoot,
  shellCommand,
  stage,
  type Stage,
} from '../../docker/test/support/dockerfile.js';

const dockerfile = readDockerfile();
const WORKDIR = '/app';
/** Vitest runs on the repository's pinned Node 24, the release the image's base carries. */
const nodeBinDir = dirname(process.execPath);
const missingModule = /ERR_MODULE_NOT_FOUND|Cannot find (module|package)/;

const staging = mkdtempSync(join(tmpdir(), 'iscoolgpt-prod-install-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(staging, { recursive: true, force: true });
});

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
    throw new Error(
      `\`${command}\` in ${cwd} exited ${result.status}:\n${result.stdout}${result.stderr}`,
    );
  }
}

/** The stage the target copies its whole /app from. */
function appStage(target: string): string {
  const copy = instructions([stage(dockerfile, target)], 'COPY')
    .map(copySpec)
    .find((c) => c.from !== undefined && c.sources.includes(WORKDIR));
  if (!copy) throw new Error(`${target} copies no ${WORKDIR} from an earlier stage`);
  return copy.from!;
}

/** Stages the target's compiled code comes from, i.e. where its `COPY --from` of /app/... points. */
function buildStages(target: string): Stage[] {
  const froms = lineage(dockerfile, appStage(target))
    .flatMap((s) => instructions([s], 'COPY').map(copySpec))
    .map((c) => c.from)
    .filter((from): from is string => from !== undefined);
  return [...new Set(froms)].map((name) => stage(dockerfile, name));
}

const isInstall = (command: string) => /\bnpm (ci|install|i)\b/.test(command);

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
    const from =
      spec.from === undefined
        ? join(repoRoot, source)
        : join(repoRoot, source.replace(/^\/app\/?/, ''));
    if (!existsSync(from)) throw new Error(`COPY ${source}: ${from} does not exist (not built?)`);
    const destination =
      spec.destination.endsWith('/') && spec.from === undefined && !source.endsWith('/')
        ? join(root, spec.destination, basename(source))
        : join(root, spec.destination);
    mkdirSync(dirname(destination), { recursive: true });
    cpSync(from, destination, { recursive: true });
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
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

let awsEnv: Record<string, string>;

beforeAll(async () => {
  expect(process.versions.node.split('.')[0], 'tests run on the pinned Node 24').toBe('24');
  // Nothing listens on this port: the services must start without reaching AWS.
  const unreachable = `http://127.0.0.1:${await freePort()}`;
  awsEnv = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'prod-install-check',
    AWS_SECRET_ACCESS_KEY: 'prod-install-check',
    AWS_ENDPOINT_URL: unreachable,
    JOBS_QUEUE_URL: `${unreachable}/000000000000/iscoolgpt-jobs`,
    JOBS_DLQ_URL: `${unreachable}/000000000000/iscoolgpt-jobs-dlq`,
    JOBS_TABLE_NAME: 'iscoolgpt-jobs',
    LOG_LEVEL: 'info',
  };
  const compileSteps = new Set(
    ['api', 'worker']
      .flatMap(buildStages)
      .flatMap((s) => lineage(dockerfile, s.name))
      .flatMap((s) => instructions([s], 'RUN').map(shellCommand))
      .filter((command) => !isInstall(command)),
  );
  expect(compileSteps.size).toBeGreaterThan(0);
  for (const command of compileSteps) run(command, repoRoot, {});
  for (const target of ['api', 'worker']) {
    replay(lineage(dockerfile, appStage(target)), join(staging, target));
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

describe('the api image command', () => {
  it('boots on the production tree, passes its HEALTHCHECK without AWS, and exits 0 on SIGTERM', async () => {
    const port = String(await freePort());
    const { child, output } = start('api', join(staging, 'api'), {
      ...awsEnv,
      PORT: port,
      HOST: '127.0.0.1',
    });
    const chain = lineage(dockerfile, 'api');
    // The probe as the image declares it, aimed at the port this run listens on.
    const imagePort = environment(chain).PORT!;
    const probeArgv = execForm(last(chain, 'HEALTHCHECK')!)!.map((arg) =>
      arg.replaceAll(`:${imagePort}/`, `:${port}/`),
    );
    const probe = () =>
      spawnSync(probeArgv[0]!, probeArgv.slice(1), { env: { PATH: nodeBinDir }, timeout: 10_000 })
        .status;

    let healthy = false;
    for (let i = 0; i < 100 && !healthy && child.exitCode === null; i++) {
      healthy = probe() === 0;
      if (!healthy) await sleep(200);
    }
    expect(output()).not.toMatch(missingModule);
    expect(healthy, `the HEALTHCHECK probe passed; output:\n${output()}`).toBe(true);
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });

    child.kill('SIGTERM');
    expect(await exitOf(child, 15_000)).toBe(0);
    expect(probe(), 'the probe fails once the api is gone').not.toBe(0);
  }, 60_000);
});

describe('the worker image command', () => {
  it('starts on the production tree, keeps running while AWS is unreachable, and exits 0 on SIGTERM', async () => {
    const { child, output } = start('worker', join(staging, 'worker'), awsEnv);
    await sleep(3000);
    expect(output()).not.toMatch(missingModule);
    expect(child.exitCode, `still running after 3 s; output:\n${output()}`).toBeNull();

    child.kill('SIGTERM');
    expect(await exitOf(child, 30_000)).toBe(0);
  }, 60_000);
});
