import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

export interface Started {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Runs an entry point (TypeScript, or built JavaScript) in its own Node process (so it has its own core) and waits for /health. */
export async function startNode(entry: string, env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  // A built entry point (`.js`, as `npm start` runs) needs no TypeScript loader.
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx', '--conditions=source'] : [];
  const child = spawn(process.execPath, [...loader, entry], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 200 || child.exitCode !== null) throw new Error(`${entry} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    child,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Embedded mode as `npm start` runs it: the built JavaScript (`tsc -b`, incremental: quick when
 * nothing changed), not the TypeScript through tsx, whose transform (esbuild's keepNames: a
 * `defineProperty` for every function made at run time) costs CPU that no deployment pays.
 */
export function builtEmbeddedEntry(): string {
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'services/api'], {
    cwd: root,
    stdio: 'inherit',
  });
  return `${root}services/api/dist/embedded.js`;
}
