/**
 * Local AWS for tests and benchmarks, per service. DynamoDB always runs on moto (LocalStack serves
 * DynamoDB through DynamoDB Local, whose licence is not an open-source one); SQS, and S3, Secrets
 * Manager and CloudFormation where LocalStack runs, go to the first of these each route allows:
 *
 * - `auto` (`npm test`): the endpoint variables if set (AWS_ENDPOINT_URL_SQS and
 *   AWS_ENDPOINT_URL_DYNAMODB each win over AWS_ENDPOINT_URL, as in the SDKs); else LocalStack in
 *   a container when a container runtime exists; else moto alone.
 * - `localstack` (`npm run test:localstack`, the benchmark's second column): LocalStack in a
 *   container when a container runtime exists, else on the host (localstack.ts); no fallback.
 * - `moto`: moto alone.
 *
 * moto is provisioned here: a Python venv in .cache/moto-venv with `moto[server]` from PyPI
 * (reused when present), started on a free loopback port and killed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
// By path, not by package name: vitest's globalSetup does not apply the `source` export condition,
// so the package name would load shared/dist (absent before a build, stale after an edit).
import { awsEndpoints, loadConfig } from '../../shared/src/config.js';
import { freePort, ROOT, run } from './host.js';
import { startLocalstack } from './localstack.js';

const MOTO_VENV = join(ROOT, '.cache', 'moto-venv');
const MOTO_SERVER = join(MOTO_VENV, 'bin', 'moto_server');

/** Local AWS accepts any credentials; the SDK only needs some, and a region. */
export const DUMMY_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
} as const;

export type LocalAwsRoute = 'auto' | 'localstack' | 'moto';

export interface LocalAws {
  /** Where each service's calls go. */
  endpoints: { sqs: string; dynamodb: string };
  /** What serves SQS (and, on LocalStack, S3, Secrets Manager and CloudFormation), for output. */
  sqsServer: string;
  /** What serves DynamoDB, for output. */
  dynamodbServer: string;
  /**
   * The endpoint variables a service process needs, as the SDKs define them: AWS_ENDPOINT_URL
   * (the SQS side's server), and AWS_ENDPOINT_URL_DYNAMODB when DynamoDB runs elsewhere.
   */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts (or finds) local AWS by `route`; `log` hears which servers were taken and why. */
export async function startLocalAws(
  env: Record<string, string | undefined>,
  log: (line: string) => void,
  route: LocalAwsRoute = 'auto',
): Promise<LocalAws> {
  const given = route === 'auto' ? givenEndpoints(env) : undefined;
  if (given) {
    log(
      `local AWS: SQS at ${given.endpoints.sqs}, DynamoDB at ${given.endpoints.dynamodb} (given)`,
    );
    return given;
  }
  let localstack: { endpoint: string; name: string; stop(): Promise<void> } | undefined;
  if (route !== 'moto') {
    try {
      localstack = await startLocalstack(log, { allowHost: route === 'localstack' });
    } catch (error) {
      if (route === 'localstack') throw error;
      const reason = error instanceof Error ? error.message : String(error);
      log(
        /container runtime/i.test(reason)
          ? `local AWS: LocalStack skipped, no container runtime (${reason}); using moto`
          : `local AWS: LocalStack did not start (${reason}); using moto`,
      );
    }
  }
  let moto: Server;
  try {
    moto = await startMoto(log);
  } catch (error) {
    await localstack?.stop();
    throw error;
  }
  const sqs = localstack ?? { endpoint: moto.endpoint, name: 'moto' };
  log(`local AWS: SQS on ${sqs.name} at ${sqs.endpoint}, DynamoDB on moto at ${moto.endpoint}`);
  return {
    endpoints: { sqs: sqs.endpoint, dynamodb: moto.endpoint },
    sqsServer: sqs.name,
    dynamodbServer: 'moto',
    env: {
      AWS_ENDPOINT_URL: sqs.endpoint,
      ...(localstack && { AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint }),
    },
    stop: async () => {
      await Promise.all([localstack?.stop(), moto.stop()]);
    },
  };
}

const ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_DYNAMODB',
] as const;

/** The endpoints the environment names, resolved as the services resolve them (config.ts). */
function givenEndpoints(env: Record<string, string | undefined>): LocalAws | undefined {
  const set = ENDPOINT_VARIABLES.filter((name) => env[name]);
  if (set.length === 0) return undefined;
  const { sqs, dynamodb } = awsEndpoints(
    loadConfig(Object.fromEntries(set.map((name) => [name, env[name]]))),
  );
  if (!sqs || !dynamodb) {
    throw new Error(
      `${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set but leave ` +
        `${sqs ? 'DynamoDB' : 'SQS'} without an endpoint: set AWS_ENDPOINT_URL too, or neither`,
    );
  }
  return {
    endpoints: { sqs, dynamodb },
    sqsServer: sqs,
    dynamodbServer: dynamodb,
    env: Object.fromEntries(set.map((name) => [name, env[name]!])),
    stop: async () => {},
  };
}

export interface Server {
  endpoint: string;
  stop(): Promise<void>;
}

/** Creates the moto venv unless it exists; returns the moto_server executable. */
export function ensureMotoInstalled(log: (line: string) => void): string {
  if (existsSync(MOTO_SERVER)) return MOTO_SERVER;
  log(`local AWS: installing moto[server] into ${MOTO_VENV} (first run only)`);
  mkdirSync(dirname(MOTO_VENV), { recursive: true });
  run('python3', ['-m', 'venv', MOTO_VENV]);
  run(join(MOTO_VENV, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    'moto[server]',
  ]);
  return MOTO_SERVER;
}

export async function startMoto(log: (line: string) => void): Promise<Server> {
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
  return { endpoint, stop: () => stopChild(child) };
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
