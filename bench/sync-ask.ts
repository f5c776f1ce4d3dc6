/**
 * What the queue-backed sync ask costs over a bare Fastify route: both servers run as their own
 * process, measured by the same closed-loop generator at the same concurrency, in alternating
 * rounds so machine noise hits both alike. The ask runs in embedded mode with the offline
 * provider answering instantly (OFFLINE_PROVIDER_DELAY_MS=0), every feature on and the model path
 * measured: each ask a new question (the answer cache is on, and misses; quotas are counted
 * under limits no run reaches), so each is a new job
 * answered by the worker; the difference is our own overhead (validation, identity, the cache's
 * lookup, job store, queue, worker, wait, serialization, logging). Embedded mode runs built, as
 * `npm start` runs it. `npm run bench -- sync` runs this section alone.
 *
 * To profile either server, give it Node options:
 * `BENCH_ASK_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- sync`
 * (and BENCH_BARE_NODE_OPTIONS); the profile is written when the server stops.
 */
import { fileURLToPath } from 'node:url';
import { DEMO_ACCOUNTS } from '../services/api/src/dev-identity/accounts.js';
import { DEV_CLIENT_ID } from '../services/api/src/dev-identity/provider.js';
import { signInWithPkce } from '../services/api/test/support/oidc-flow.js';
import { load, medianRound, row, type LoadResult } from './support/load.js';
import { builtEmbeddedEntry, startNode } from './support/process.js';

const CONCURRENCY = 10;
const ROUND_MS = 4000;
const ROUNDS = 5;
/** A quota limit no bench run reaches. */
const UNREACHED = 1_000_000_000;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** A question never asked before: the answer cache misses, and the model path is measured. */
const newQuestion = (index: number) =>
  JSON.stringify({ question: `Why is the sky blue? (${index})`, subject: 'physics' });

export async function benchSyncAsk(): Promise<void> {
  const nodeOptions = (variable: string): Record<string, string> => {
    const options = process.env[variable];
    return options ? { NODE_OPTIONS: options } : {};
  };
  const bare = await startNode(here('./bare-server.ts'), nodeOptions('BENCH_BARE_NODE_OPTIONS'));
  const embedded = await startNode(builtEmbeddedEntry(), {
    LOG_LEVEL: 'info',
    WORKER_CONCURRENCY: String(CONCURRENCY),
    // The offline provider answers at once (not at its default ~30 words/s demo pace).
    OFFLINE_PROVIDER_DELAY_MS: '0',
    // Quotas are on and counted (every feature is), with limits no run reaches: thousands of
    // asks of one principal are never refused (`npm run bench -- quota` sets the check's cost
    // beside quotas off).
    QUOTA_QUESTIONS_PER_DAY: String(UNREACHED),
    QUOTA_TOKENS_PER_DAY: String(UNREACHED),
    QUOTA_PENDING_JOBS: String(UNREACHED),
    // The answer cache stays on (every feature is): each ask's new question misses it, so the
    // model's path is what is measured (`npm run bench -- cache` measures hits).
    ...nodeOptions('BENCH_ASK_NODE_OPTIONS'),
  });
  const json = { 'content-type': 'application/json' };
  // A signed-in student's access token from the embedded server's development provider (RS256,
  // verified by the api on every request: by signature once, then from its verified tokens).
  const [student] = DEMO_ACCOUNTS;
  const { accessToken } = await signInWithPkce({
    issuer: `${embedded.url}/oidc`,
    clientId: DEV_CLIENT_ID,
    redirectUri: `${embedded.url}/`,
    username: student!.username,
    password: student!.password,
  });
  const results: { bare: LoadResult[]; ask: LoadResult[]; bearer: LoadResult[] } = {
    bare: [],
    ask: [],
    bearer: [],
  };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      results.bare.push(
        await load({
          url: `${bare.url}/bare`,
          method: 'POST',
          headers: json,
          body: '{}',
          concurrency: CONCURRENCY,
          durationMs: ROUND_MS,
          serverPid: bare.child.pid,
        }),
      );
      results.ask.push(
        await load({
          url: `${embedded.url}/api/v1/ask`,
          method: 'POST',
          headers: { ...json, prefer: 'wait=10' },
          body: newQuestion,
          concurrency: CONCURRENCY,
          durationMs: ROUND_MS,
          serverPid: embedded.child.pid,
        }),
      );
      results.bearer.push(
        await load({
          url: `${embedded.url}/api/v1/ask`,
          method: 'POST',
          headers: { ...json, prefer: 'wait=10', authorization: `Bearer ${accessToken}` },
          body: newQuestion,
          concurrency: CONCURRENCY,
          durationMs: ROUND_MS,
          serverPid: embedded.child.pid,
        }),
      );
    }
  } finally {
    await Promise.all([bare.stop(), embedded.stop()]);
  }

  const bareMedian = medianRound(results.bare);
  const askMedian = medianRound(results.ask);
  const bearerMedian = medianRound(results.bearer);
  const asks = [...results.ask, ...results.bearer];
  const non200 = asks
    .flatMap((r) => Object.entries(r.statuses))
    .filter(([status]) => status !== '200');
  if (non200.length > 0 || asks.some((r) => r.errors > 0)) {
    throw new Error(`sync ask answered something other than 200: ${JSON.stringify(non200)}`);
  }
  console.log(
    `concurrency ${CONCURRENCY}, ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s each; median round shown; ` +
      'every feature on, the answer cache missing (every ask a new question: a new job and a model call)',
  );
  console.table({
    'bare Fastify route': row(bareMedian),
    'POST /api/v1/ask (sync, embedded)': row(askMedian),
    'the same ask with a Bearer token (a student)': row(bearerMedian),
  });
  const addedP50 = askMedian.p50Ms - bareMedian.p50Ms;
  const ratio = askMedian.perSecond / bareMedian.perSecond;
  console.log(
    `added latency p50: ${addedP50.toFixed(3)} ms (target < 2 ms: ${addedP50 < 2 ? 'met' : 'NOT met'})`,
  );
  console.log(`added latency p99: ${(askMedian.p99Ms - bareMedian.p99Ms).toFixed(3)} ms`);
  console.log(
    `requests/s ratio ask/bare: ${ratio.toFixed(2)} (target >= 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
  );
  const bearerRatio = bearerMedian.perSecond / askMedian.perSecond;
  console.log(
    `with a verified Bearer token: ${bearerRatio.toFixed(2)} of the ask's requests/s without one, ` +
      `p50 ${(bearerMedian.p50Ms - askMedian.p50Ms).toFixed(3)} ms added ` +
      `(target: within 10 %, ratio >= 0.90: ${bearerRatio >= 0.9 ? 'met' : 'NOT met'})`,
  );
  if (askMedian.serverCpuUs !== undefined && bareMedian.serverCpuUs !== undefined) {
    const cpuRatio = askMedian.serverCpuUs / bareMedian.serverCpuUs;
    console.log(
      `server CPU per request: ask ${askMedian.serverCpuUs.toFixed(1)} µs, bare ` +
        `${bareMedian.serverCpuUs.toFixed(1)} µs (${cpuRatio.toFixed(2)}x; target <= 3x: ` +
        `${cpuRatio <= 3 ? 'met' : 'NOT met'}); the bare route is limited by the load generator, not by its CPU`,
    );
  }
}
