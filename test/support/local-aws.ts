/**
 * Local AWS for tests and benchmarks. Endpoint order: AWS_ENDPOINT_URL if set; else LocalStack in
 * a container (testcontainers) when a container runtime exists; else a moto server provisioned
 * here: a Python venv in .cache/moto-venv with `moto[server]` from PyPI (reused when present),
 * started on a free port and killed at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const LOCALSTACK_IMAGE = 'localstack/localstack:4.14.0';
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MOTO_VENV = join(ROOT, '.cache', 'moto-venv');
const MOTO_SERVER = join(MOTO_VENV, 'bin', 'moto_server');

/** Local AWS accepts any credentials; the SDK only needs some, and a region. */
export const DUMMY_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
} as const;

export interface LocalAws {
  endpoint: string;
  kind: 'AWS_ENDPOINT_URL' | 'localstack' | 'moto';
  stop(): Promise<void>;
}

/** Starts (or finds) local AWS; `log` hears which route was taken and why. */
export async function startLocalAws(
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): Promise<LocalAws> {
  if (env.AWS_ENDPOINT_URL) {
    log(`local AWS: using AWS_ENDPOINT_URL=${env.AWS_ENDPOINT_URL}`);
    return { endpoint: env.AWS_ENDPOINT_URL, kind: 'AWS_ENDPOINT_URL', stop: async () => {} };
  }
  try {
    const localstack = await startLocalstack();
    log(`local AWS: LocalStack (${LOCALSTACK_IMAGE}) at ${localstack.endpoint}`);
    return localstack;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(
      /container runtime/i.test(reason)
        ? `local AWS: LocalStack skipped, no container runtime (${reason}); using moto`
        : `local AWS: LocalStack did not start (${reason}); using moto`,
    );
  }
  const moto = await startMoto(log);
  log(`local AWS: moto at ${moto.endpoint}`);
  return moto;
}

async function startLocalstack(): Promise<LocalAws> {
  const { LocalstackContainer } = await import('@testcontainers/localstack');
  const container = await new LocalstackContainer(LOCALSTACK_IMAGE).start();
  return {
    endpoint: container.getConnectionUri(),
    kind: 'localstack',
    stop: async () => {
      await container.stop();
    },
  };
}

/** Creates the moto venv unless it exists; returns the moto_server executable. */
export function ensureMotoInstalled(log: (line: string) => void): string {
  if (existsSync(MOTO_SERVER)) return MOTO_SERVER;
  log(`local AWS: installing moto[server] into ${MOTO_VENV} (first run only)`);
  mkdirSync(dirname(MOTO_VENV), { recursive: true });
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}): ` +
          `${result.stderr?.toString().trim().slice(-2000) ?? ''}`,
      );
    }
  };
  run('python3', ['-m', 'venv', MOTO_VENV]);
  run(join(MOTO_VENV, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    'moto[server]',
  ]);
  return MOTO_SERVER;
}

export async function startMoto(log: (line: string) => void): Promise<LocalAws> {
  const executable = ensureMotoInstalled(log);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitUntilAnswering(endpoint, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { endpoint, kind: 'moto', stop: () => stopChild(child) };
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto_server exited with ${child.exitCode}: ${stderr()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`moto_server did not answer at ${endpoint} within 30 s: ${stderr()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail()));
    });
  });
}
