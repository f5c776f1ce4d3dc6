/**
 * What the quota check costs an embedded sync ask: two embedded servers (built, as `npm start`
 * runs), one with quotas off (every QUOTA_* 0: no check) and one with them on at limits the run
 * never reaches (every ask checked and counted: questions, tokens, a pending slot freed when the
 * job settles), measured by the same closed-loop generator at the same concurrency in alternating
 * rounds. Both answer with the offline provider at once and the answer cache on (each question
 * new: a miss), as the sync-ask bench does; the difference is the quota check alone.
 */
import { randomUUID } from 'node:crypto';
import { MemoryQuotaCounter, Quotas, type JobRecord, type Logger } from '@iscoolgpt/shared';
import { QUOTAS_OFF } from '../shared/test/support/quotas.js';
import { load, medianRound, row, type LoadResult } from './support/load.js';
import { builtEmbeddedEntry, startNode } from './support/process.js';

const CONCURRENCY = 10;
const ROUND_MS = 3000;
const ROUNDS = 5;
/** Limits no run reaches: the check runs on every ask and never refuses. */
const QUOTAS_ON = {
  QUOTA_QUESTIONS_PER_DAY: '1000000000',
  QUOTA_TOKENS_PER_DAY: '1000000000',
  QUOTA_PENDING_JOBS: '1000',
};

const newQuestion = (index: number) =>
  JSON.stringify({ question: `Why is the sky blue? (${index})`, subject: 'physics' });

export async function benchQuotas(): Promise<void> {
  const entry = builtEmbeddedEntry();
  const common = {
    LOG_LEVEL: 'warn',
    WORKER_CONCURRENCY: String(CONCURRENCY),
    OFFLINE_PROVIDER_DELAY_MS: '0',
  };
  const [off, on] = await Promise.all([
    startNode(entry, { ...common, ...QUOTAS_OFF }),
    startNode(entry, { ...common, ...QUOTAS_OFF, ...QUOTAS_ON }),
  ]);
  const results: { off: LoadResult[]; on: LoadResult[] } = { off: [], on: [] };
  const round = (server: typeof off) =>
    load({
      url: `${server.url}/api/v1/ask`,
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=10' },
      body: newQuestion,
      concurrency: CONCURRENCY,
      durationMs: ROUND_MS,
      serverPid: server.child.pid,
    });
  try {
    for (let i = 0; i < ROUNDS; i++) {
      results.off.push(await round(off));
      results.on.push(await round(on));
    }
  } finally {
    await Promise.all([off.stop(), on.stop()]);
  }
  const all = [...results.off, ...results.on];
  const non200 = all.flatMap((r) => Object.entries(r.statuses)).filter(([s]) => s !== '200');
  if (non200.length > 0)
    throw new Error(`an ask answered other than 200: ${JSON.stringify(non200)}`);
  const offMedian = medianRound(results.off);
  const onMedian = medianRound(results.on);
  console.log(
    `concurrency ${CONCURRENCY}, ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s each; median round shown; ` +
      'answer cache on (every question new: a miss), offline provider at once',
  );
  console.table({
    'POST /api/v1/ask (sync, embedded), quotas off': row(offMedian),
    'the same ask, quotas on (checked and counted)': row(onMedian),
  });
  const added = onMedian.p50Ms - offMedian.p50Ms;
  console.log(
    `the quota check adds p50 ${added.toFixed(3)} ms (target < 0.5 ms: ${added < 0.5 ? 'met' : 'NOT met'}), ` +
      `p99 ${(onMedian.p99Ms - offMedian.p99Ms).toFixed(3)} ms; requests/s ratio on/off ` +
      `${(onMedian.perSecond / offMedian.perSecond).toFixed(2)}`,
  );
  console.log(
    `the check alone, in process (embedded mode's memory counter: an ask admitted, its job ` +
      `settled): ${checkAloneUs().toFixed(2)} µs per ask`,
  );
  if (onMedian.serverCpuUs !== undefined && offMedian.serverCpuUs !== undefined) {
    // Steadier than latency on a shared machine: the server's own CPU time per ask.
    console.log(
      `server CPU per ask: ${(onMedian.serverCpuUs - offMedian.serverCpuUs).toFixed(1)} µs added by the check`,
    );
  }
}

/** The domain's check and count per ask, timed in this process over many asks (no HTTP, no noise of a second process). */
function checkAloneUs(): number {
  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
  const quotas = new Quotas({
    counter: new MemoryQuotaCounter(),
    settings: {
      questionsPerDay: 1e9,
      guestQuestionsPerDay: 1e9,
      tokensPerDay: 1e9,
      pendingJobs: 1000,
      openStreams: 5,
    },
    logger: silent,
  });
  const principal = { id: 'anonymous', kind: 'anonymous' } as const;
  const deadline = new Date(Date.now() + 300_000).toISOString();
  const ids = Array.from({ length: 1000 }, () => randomUUID());
  const usage = { inputTokens: 120, outputTokens: 48, costUsd: 0.000047 };
  const run = (asks: number) => {
    for (let i = 0; i < asks; i++) {
      const id = ids[i % ids.length]!;
      quotas.admit(principal, id, deadline);
      quotas.settled({ id, ownerId: principal.id, usage } as JobRecord);
    }
  };
  run(20_000);
  const asks = 200_000;
  const started = process.hrtime.bigint();
  run(asks);
  return Number(process.hrtime.bigint() - started) / 1000 / asks;
}
