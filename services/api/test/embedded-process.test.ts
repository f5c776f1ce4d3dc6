import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../src/embedded.ts', import.meta.url));
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Starts `npm start`'s entry point as its own process, the way a user runs it. */
async function startEmbedded(env: Record<string, string>, { host = '127.0.0.1' } = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', entry], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...(host && { HOST: host }), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.pipe(process.stderr);
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
  return { child, port, url, output: () => output };
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('embedded mode as a process (npm start)', () => {
  it('starts with no keys and no AWS, says loudly that answers are offline demos', async () => {
    const { url, output } = await startEmbedded({});

    const response = await fetch(`${url}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'What is gravity?' }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'completed', provider: 'offline' });
    const warning = output()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .find((line) => line.level === 40 && /OFFLINE DEMO/.test(line.msg));
    expect(warning?.msg).toMatch(/OPENAI_API_KEY/);
    expect(warning?.msg).toMatch(/HF_TOKEN/);
  });

  it('listens on loopback only when HOST is not set, so a laptop does not serve its network', async () => {
    const { port, output } = await startEmbedded({}, { host: '' });

    const listening = output()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string })
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
});
