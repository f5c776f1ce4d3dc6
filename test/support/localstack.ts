/**
 * LocalStack for tests and benchmarks: in a container (testcontainers) where a container runtime
 * exists, else, when the caller allows it, on the host: the pinned `localstack-core` in a Python
 * 3.13 venv under .cache/localstack-venv (installed from PyPI on first use), started on a free
 * loopback port and stopped, with every process it started, at the end.
 *
 * LocalStack runs SQS, S3, Secrets Manager and CloudFormation here, never DynamoDB: it serves
 * DynamoDB through DynamoDB Local, whose licence is not an open-source one (moto serves it).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, ROOT, run } from './host.js';

export const LOCALSTACK_VERSION = '4.14.0';
/** The last tag that runs without LOCALSTACK_AUTH_TOKEN (later images exit at start-up). */
export const LOCALSTACK_IMAGE = `localstack/localstack:${LOCALSTACK_VERSION}`;
/** CloudFormation calls IAM and STS while it deploys. */
export const LOCALSTACK_SERVICES = 'sqs,s3,secretsmanager,cloudformation,iam,sts';
/**
 * `localstack-core` 4.14.0 with its runtime extras; each other pin fixed a start-up crash of
 * 4.14.0 on the newest releases of that package.
 */
const REQUIREMENTS = [
  `localstack-core[runtime]==${LOCALSTACK_VERSION}`,
  'cbor2<6',
  'pyopenssl<25',
  'cryptography>=41.0.5,<45',
  'service_identity<25',
];
const VENV = join(ROOT, '.cache', 'localstack-venv');
/** Written last by an install: the requirements that venv holds, all of them installed. */
const STAMP = join(VENV, 'iscoolgpt-requirements.txt');
const READY_TIMEOUT_MS = 120_000;

export interface Localstack {
  endpoint: string;
  /** Which LocalStack this is, for output: `LocalStack 4.14.0 (host)`. */
  name: string;
  stop(): Promise<void>;
}

/**
 * LocalStack in a container; without a container runtime, on the host when `allowHost`, else the
 * container runtime's error.
 */
export async function startLocalstack(
  log: (line: string) => void,
  { allowHost }: { allowHost: boolean },
): Promise<Localstack> {
  try {
    return await startContainer();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (!allowHost || !/container runtime/i.test(reason)) throw error;
    log(`local AWS: no container runtime (${reason}); LocalStack on the host`);
  }
  return startOnHost(log);
}

async function startContainer(): Promise<Localstack> {
  const { LocalstackContainer } = await import('@testcontainers/localstack');
  const container = await new LocalstackContainer(LOCALSTACK_IMAGE)
    .withEnvironment({ SERVICES: LOCALSTACK_SERVICES, SQS_ENDPOINT_STRATEGY: 'path' })
    .start();
  return {
    endpoint: container.getConnectionUri(),
    name: `LocalStack ${LOCALSTACK_VERSION} (container)`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** Starts LocalStack on the host and waits until it says "Ready.". */
export async function startOnHost(log: (line: string) => void): Promise<Localstack> {
  const python = ensureInstalled(log);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Its state, certificates and logs, removed at the end.
  const root = mkdtempSync(join(tmpdir(), 'iscoolgpt-localstack-'));
  const child = spawn(python, ['-m', 'localstack.runtime.main'], {
    // Its own process group: stopping it stops whatever it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      SERVICES: LOCALSTACK_SERVICES,
      GATEWAY_LISTEN: `127.0.0.1:${port}`,
      // The host in queue URLs: without it they name a *.localstack.cloud host that needs DNS.
      LOCALSTACK_HOST: `127.0.0.1:${port}`,
      SQS_ENDPOINT_STRATEGY: 'path',
      // The default server listens on every interface whatever GATEWAY_LISTEN says; this one
      // keeps to loopback. No DNS server (as root it would take port 53).
      GATEWAY_SERVER: 'hypercorn',
      DNS_ADDRESS: '0',
      // No analytics and no certificate download: this machine has no internet.
      DISABLE_EVENTS: '1',
      SKIP_SSL_CERT_DOWNLOAD: '1',
      // On the host, even inside a container (/.dockerenv): its files go under FILESYSTEM_ROOT.
      OVERRIDE_IN_DOCKER: '0',
      FILESYSTEM_ROOT: root,
    },
  });
  const pid = child.pid!;
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const ready = new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`LocalStack did not say "Ready." within ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    const hear = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
      if (/^Ready\.$/m.test(output)) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout!.on('data', hear);
    child.stderr!.on('data', hear);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`LocalStack exited (${code ?? signal}) before it was ready`));
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the whole group is gone already
    }
  };
  const killGroup = () => signalGroup('SIGKILL');
  // Should the runner exit without stopping it (an uncaught error, a signal), the process group
  // and its files go with it.
  const onExit = () => {
    killGroup();
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      signalGroup('SIGTERM');
      const timer = setTimeout(killGroup, 10_000);
      await exited;
      clearTimeout(timer);
    }
    // Processes it started that outlived it.
    killGroup();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await ready;
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}:\n${output.trim().slice(-3000)}`, { cause: error });
  }
  return { endpoint, name: `LocalStack ${LOCALSTACK_VERSION} (host)`, stop };
}

/** The venv's python, after installing the pinned LocalStack into it unless it is there. */
export function ensureInstalled(log: (line: string) => void): string {
  const python = join(VENV, 'bin', 'python');
  const wanted = `${REQUIREMENTS.join('\n')}\n`;
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === wanted) return python;
  const base = findPython313();
  log(`local AWS: installing LocalStack ${LOCALSTACK_VERSION} into ${VENV} with ${base} (~1 min)`);
  mkdirSync(dirname(VENV), { recursive: true });
  // Built aside and renamed into place, so a run starting meanwhile (other worktrees share
  // .cache) never sees half a venv; it is only ever run as `python -m`, which survives the move.
  const building = `${VENV}.${process.pid}.tmp`;
  rmSync(building, { recursive: true, force: true });
  run(base, ['-m', 'venv', building]);
  run(join(building, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    ...REQUIREMENTS,
  ]);
  writeFileSync(join(building, 'iscoolgpt-requirements.txt'), wanted);
  rmSync(VENV, { recursive: true, force: true });
  try {
    renameSync(building, VENV);
  } catch {
    // Another run got there first: use its venv.
    rmSync(building, { recursive: true, force: true });
  }
  return python;
}

/**
 * A Python 3.13, which LocalStack 4.14.0 needs (on 3.11 it fails with a SyntaxError although it
 * claims 3.10 suffices): `python3.13` on PATH when it runs, else pyenv's (`pyenv prefix 3.13`,
 * then $PYENV_ROOT/versions/3.13.*, as a machine with pyenv and 3.13 installed has it).
 */
export function findPython313(): string {
  const pyenvRoot = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
  const candidates = ['python3.13'];
  const prefix = spawnSync('pyenv', ['prefix', '3.13'], { encoding: 'utf8' });
  if (prefix.status === 0) candidates.push(join(prefix.stdout.trim(), 'bin', 'python3.13'));
  const versions = join(pyenvRoot, 'versions');
  if (existsSync(versions)) {
    candidates.push(
      ...readdirSync(versions)
        .filter((name) => /^3\.13\.\d+$/.test(name))
        .sort((a, b) => Number(b.split('.')[2]) - Number(a.split('.')[2]))
        .map((name) => join(versions, name, 'bin', 'python3.13')),
    );
  }
  const found = candidates.find((candidate) => {
    const version = spawnSync(candidate, ['-c', 'import sys; print(sys.version_info[:2])'], {
      encoding: 'utf8',
    });
    return version.status === 0 && version.stdout.trim() === '(3, 13)';
  });
  if (found) return found;
  throw new Error(
    `LocalStack ${LOCALSTACK_VERSION} on the host needs Python 3.13 (it does not start on 3.11), ` +
      `and none was found: not python3.13 on PATH, not pyenv's 3.13 (${versions}/3.13.*). ` +
      'Install one (`pyenv install 3.13`), or run where a container runtime exists.',
  );
}
