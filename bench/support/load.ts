import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<number, number>;
  /** CPU time the server process spent per request (user + system), when /proc shows it. */
  serverCpuUs: number | undefined;
}

export interface LoadOptions {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The same body every time, or one per request (its index: 0, 1, 2, …). */
  body?: string | ((index: number) => string);
  /** Requests in flight at all times (a closed loop: each finished request starts the next). */
  concurrency: number;
  durationMs: number;
  /** Requests sent and thrown away before measuring (JIT, connection set-up). */
  warmupRequests?: number;
  /** The server's process id, to report its CPU time per request. */
  serverPid?: number;
}

/**
 * A closed-loop HTTP load generator with exact per-request latencies (hrtime), so sub-millisecond
 * differences between two servers measured the same way are visible.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const once = () => send(agent, options);
  for (let i = 0; i < (options.warmupRequests ?? 200); i++) await once();

  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  const stopSpinning = process.env.BENCH_IDLE_CLIENT === '1' ? () => {} : keepAwake();
  const cpuBefore = cpuTimeUs(options.serverPid);
  const started = process.hrtime.bigint();
  const stopAt = started + BigInt(options.durationMs) * 1_000_000n;
  const loop = async () => {
    while (process.hrtime.bigint() < stopAt) {
      const t0 = process.hrtime.bigint();
      try {
        const status = await once();
        statuses[status] = (statuses[status] ?? 0) + 1;
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = cpuTimeUs(options.serverPid);
  stopSpinning();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    statuses,
    serverCpuUs:
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : (cpuAfter - cpuBefore) / latencies.length,
  };
}

/**
 * Keeps the generator's event loop turning (a setImmediate chain) instead of sleeping in epoll
 * between responses. On this kind of machine (a small VM, client and server on its two vCPUs) a
 * socket write that must wake a sleeping peer costs the writer some 20-30 µs: the idle vCPU has
 * halted and needs an interrupt. A server slower than the client would pay that on every response
 * and a faster one never, which measures the VM rather than the server. Measured: the same ask
 * server spent ~75 µs of CPU per request against a sleeping client and ~55 µs against this one;
 * the bare route (already faster than the client) was unchanged. `BENCH_IDLE_CLIENT=1` turns this
 * off, to see the difference.
 */
function keepAwake(): () => void {
  let spinning = true;
  const spin = () => {
    if (spinning) setImmediate(spin);
  };
  spin();
  return () => {
    spinning = false;
  };
}

/** Linux's accounting of a process's CPU time (utime + stime, in 10 ms clock ticks), in µs. */
export function cpuTimeUs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

let sent = 0;

function send(agent: Agent, options: LoadOptions): Promise<number> {
  const body = typeof options.body === 'function' ? options.body(sent++) : options.body;
  return new Promise((resolve, reject) => {
    const req = request(
      options.url,
      { method: options.method, agent, headers: options.headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `task` `count` times, at most `width` at once; each call gets its index (0 to count − 1). */
export async function inParallel(
  count: number,
  width: number,
  task: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** The middle round by requests/s (alternating rounds: the machine's noise hits both sides alike). */
export function medianRound(rounds: LoadResult[]): LoadResult {
  return [...rounds].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(rounds.length / 2)]!;
}

/** One row of a bench's table. */
export function row(result: LoadResult) {
  return {
    'req/s': Math.round(result.perSecond),
    'p50 ms': Number(result.p50Ms.toFixed(3)),
    'p99 ms': Number(result.p99Ms.toFixed(3)),
    'server CPU µs/req':
      result.serverCpuUs === undefined ? 'n/a' : Number(result.serverCpuUs.toFixed(1)),
    requests: result.requests,
  };
}
