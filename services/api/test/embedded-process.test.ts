import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../src/dev-identity/accounts.js';
import { DEV_CLIENT_ID } from '../src/dev-identity/provider.js';
import { signInWithPkce } from './support/oidc-flow.js';

const entry = fileURLToPath(new URL('../src/embedded.ts', import.meta.url));
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Runs `npm start`'s entry point as its own process, the way a user runs it. */
function spawnEmbedded(port: number, env: Record<string, string>, { host = '127.0.0.1' } = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', entry], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...(host && { HOST: host }), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return { child, output: () => output, errors: () => errors };
}

/** Starts it on a free port and waits until it answers. */
async function startEmbedded(env: Record<string, string>, options: { host?: string } = {}) {
  const port = await freePort();
  const started = spawnEmbedded(port, env, options);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { ...started, port, url, logs: () => jsonLines(started.output()) };
}

/** The JSON log lines of an output, parsed. */
function jsonLines(output: string): { level: number; msg: string }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
}

/** The lines of an output that are not JSON logs: what a person reads. */
function plainLines(output: string): string[] {
  return output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('embedded mode as a process (npm start)', () => {
  it('starts with no keys and no AWS, says loudly that answers are offline demos', async () => {
    const { url, logs } = await startEmbedded({});

    const response = await fetch(`${url}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'What is gravity?' }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'completed', provider: 'offline' });
    const warning = logs().find((line) => line.level === 40 && /OFFLINE DEMO/.test(line.msg));
    expect(warning?.msg).toMatch(/OPENAI_API_KEY/);
    expect(warning?.msg).toMatch(/HF_TOKEN/);
  });

  it('listens on loopback only when HOST is not set, so a laptop does not serve its network', async () => {
    const { port, logs } = await startEmbedded({}, { host: '' });

    const listening = logs()
      .filter((line) => line.msg.startsWith('Server listening at'))
      .map((line) => line.msg);
    expect(listening).toEqual([`Server listening at http://127.0.0.1:${port}`]);
  });

  it('on SIGTERM finishes the ask in flight, then stops accepting and exits 0', async () => {
    const { child, url } = await startEmbedded({ OFFLINE_PROVIDER_DELAY_MS: '1500' });

    const inFlight = fetch(`${url}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=10' },
      body: JSON.stringify({ question: 'Explain photosynthesis' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'completed' });
    const [code] = await exited;
    expect(code).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it("prints one plain line with the page's address among the JSON logs", async () => {
    const page = await mkdtemp(join(tmpdir(), 'iscoolgpt-page-'));
    await writeFile(join(page, 'index.html'), '<!doctype html><title>IsCoolGPT</title>');
    const { port, output, errors } = await startEmbedded({ WEB_DIST_DIR: page });

    // The address first; then only how to sign in (the development provider's accounts).
    const lines = plainLines(output());
    expect(lines[0]).toMatch(/^IsCoolGPT is running/);
    expect(lines.slice(1).every((line) => /sign[- ]in| \/ /i.test(line))).toBe(true);
    const address = /https?:\/\/\S+?\//.exec(lines[0]!)?.[0];
    expect(address).toBe(`http://127.0.0.1:${port}/`);
    const opened = await fetch(address!);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('<title>IsCoolGPT</title>');
    expect(errors()).toBe('');
  });

  it('exits 1 with one plain line naming PORT when the port is taken, no stack trace', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      const { child, output, errors } = spawnEmbedded(port, {});
      const [code] = (await once(child, 'exit')) as [number];

      expect(code).toBe(1);
      const lines = plainLines(errors());
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/\bPORT\b/);
      expect(lines[0]).toContain(String(port));
      expect(plainLines(output())).toEqual([]);
      expect(`${output()}${errors()}`).not.toMatch(/^\s+at /m);
      expect(`${output()}${errors()}`).not.toMatch(/EADDRINUSE/);
    } finally {
      taken.close();
    }
  });

  it('prints how to sign in, and a demo account signs in with its development provider', async () => {
    const { port, output } = await startEmbedded({});
    const [student] = DEMO_ACCOUNTS;

    // Plain lines for the person at the terminal, after the page's address.
    for (let i = 0; i < 50 && !output().includes('teacher /'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lines = plainLines(output()).slice(1).join('\n');
    expect(lines).toContain(`http://127.0.0.1:${port}/oidc`);
    for (const account of DEMO_ACCOUNTS) {
      expect(lines).toContain(`${account.username} / ${account.password}`);
    }
    const tokens = await signInWithPkce({
      issuer: `http://127.0.0.1:${port}/oidc`,
      clientId: DEV_CLIENT_ID,
      redirectUri: `http://127.0.0.1:${port}/`,
      username: student!.username,
      password: student!.password,
    });
    const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(await me.json()).toEqual({ id: student!.id, kind: 'student' });
  });
});
