/**
 * The two production entry points as real processes: `node` itself (not npm, whose signals do not
 * always reach node) running the TypeScript sources through tsx, as `npm run start:api` and
 * `npm run start:worker` run the compiled ones. Their JSON log lines are kept for assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './host.js';

export const ENTRY_POINTS = {
  api: join(ROOT, 'services/api/src/server.ts'),
  worker: join(ROOT, 'services/worker/src/main.ts'),
} as const;

export type LogLine = Record<string, unknown> & { msg?: string };

export interface ServiceProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far (stdout). */
  logs: LogLine[];
  /** Everything the process printed, for failure messages. */
  output(): string;
  /** Resolves with the first log line that matches, or throws after `timeoutMs`. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

export function startService(
  service: keyof typeof ENTRY_POINTS,
  env: Record<string, string>,
): ServiceProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', ENTRY_POINTS[service]],
    {
      cwd: ROOT,
      // Only what the service is given: nothing leaks in from the test runner's environment.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: LogLine[] = [];
  let text = '';
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  // 'close', not 'exit': by then stdout is read to its end, so `logs` holds the last lines too.
  const exited = once(child, 'close').then(([code, signal]) => (code ?? signal) as number | string);
  return {
    child,
    logs,
    output: () => text,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
    async waitForLog(match, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = logs.find(match);
        if (found) return found;
        if (child.exitCode !== null || child.signalCode !== null) break;
        await sleep(25);
      }
      const found = logs.find(match);
      if (found) return found;
      throw new Error(`${service}: no matching log line within ${timeoutMs} ms:\n${text}`);
    },
  };
}
