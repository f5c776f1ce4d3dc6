import { Agent, request } from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<number, number>;
}

export interface LoadOptions {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Requests in flight at all times (a closed loop: each finished request starts the next). */
  concurrency: number;
  durationMs: number;
  /** Requests sent and thrown away before measuring (JIT, connection set-up). */
  warmupRequests?: number;
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
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function send(agent: Agent, options: LoadOptions): Promise<number> {
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
    req.end(options.body);
  });
}
