/**
 * `npm run bench -- cache`: the answer cache on a replayed workload of first questions, as a
 * course's students ask them: DISTINCT questions with Zipf-like frequencies (the k-th most asked
 * is asked about 1/k as often as the first), ASKS asks in a fixed pseudo-random order, CONCURRENCY
 * at a time, each a sync ask. The model is a fake OpenAI server answering in MODEL_LATENCY_MS
 * that counts its requests. Printed for embedded mode and for the AWS path (an api and a worker
 * process, SQS and DynamoDB on local AWS, the cache in Redis): the hit ratio, the provider calls
 * saved, and the latency of hits beside misses; on the AWS path, the SQS calls the api made,
 * counted by a proxy in front of SQS (a hit costs none).
 */
import { fileURLToPath } from 'node:url';
import { SqsRecorder } from '../services/worker/test/support/sqs-recorder.js';
import { FakeLlmServer, openaiWire } from '../shared/test/support/fake-llm.js';
import { startService } from '../test/support/service-process.js';
import { startAwsPath } from './support/aws-path.js';
import { inParallel, percentile } from './support/load.js';
import { freePort, startNode } from './support/process.js';

const DISTINCT = 300;
const ASKS = 3000;
const CONCURRENCY = 10;
const MODEL_LATENCY_MS = 400;
const ANSWER = 'A derivative measures how fast a function changes: 1. Take a point… 2. …';
const USAGE = { prompt_tokens: 180, completion_tokens: 220 };

const embeddedEntry = fileURLToPath(new URL('../services/api/src/embedded.ts', import.meta.url));

interface Outcome {
  ms: number;
  /** What Cache-Status said: hit, fwd=miss, … */
  status: string;
  /** The job's answer was reused (a hit, or an identical ask in flight at once). */
  cached: boolean;
}

interface Run {
  outcomes: Outcome[];
  providerCalls: number;
  seconds: number;
}

/** The k-th question's share is 1/k (normalized); the asks, drawn in a fixed order. */
export function zipfWorkload(distinct: number, asks: number, seed = 21): string[] {
  const weights = Array.from({ length: distinct }, (_, k) => 1 / (k + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const weight of weights) cumulative.push((sum += weight / total));
  // mulberry32: a small seeded generator, so every run replays the same asks.
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: asks }, () => {
    const draw = random();
    const k = cumulative.findIndex((bound) => draw <= bound);
    return `Question ${k === -1 ? distinct : k + 1} of the course: what does it mean?`;
  });
}

async function replay(url: string, questions: string[], fake: FakeLlmServer): Promise<Run> {
  const before = fake.requests.length;
  const outcomes: Outcome[] = [];
  const started = performance.now();
  await inParallel(questions.length, CONCURRENCY, async (index) => {
    const sent = performance.now();
    const response = await fetch(`${url}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=20' },
      body: JSON.stringify({ question: questions[index], subject: 'maths', language: 'en' }),
    });
    const job = (await response.json()) as { status?: string; cached?: boolean };
    if (response.status !== 200 || job.status !== 'completed') {
      throw new Error(`ask ${index} answered ${response.status} ${JSON.stringify(job)}`);
    }
    outcomes.push({
      ms: performance.now() - sent,
      status: response.headers.get('cache-status') ?? '',
      cached: job.cached === true,
    });
  });
  return {
    outcomes,
    providerCalls: fake.requests.length - before,
    seconds: (performance.now() - started) / 1000,
  };
}

function latency(outcomes: Outcome[]): string {
  if (outcomes.length === 0) return '-';
  const sorted = outcomes.map((outcome) => outcome.ms).sort((a, b) => a - b);
  const round = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));
  return `${round(percentile(sorted, 0.5))} / ${round(percentile(sorted, 0.99))} (${outcomes.length})`;
}

function column(run: Run, sqsSends?: number): Record<string, string | number> {
  const { outcomes } = run;
  const hits = outcomes.filter((outcome) => outcome.status === 'iscoolgpt; hit');
  const coalesced = outcomes.filter((o) => o.status !== 'iscoolgpt; hit' && o.cached);
  const asked = outcomes.filter((outcome) => !outcome.cached);
  return {
    asks: outcomes.length,
    'hit ratio (Cache-Status: hit)': `${((hits.length / outcomes.length) * 100).toFixed(1)}%`,
    'answers reused (hits + identical asks in flight)': hits.length + coalesced.length,
    'provider calls': run.providerCalls,
    'provider calls saved': outcomes.length - run.providerCalls,
    'hits: p50 / p99 ms (n)': latency(hits),
    'misses answered by the model: p50 / p99 ms (n)': latency(asked),
    'misses that waited for an identical ask: p50 / p99 ms (n)': latency(coalesced),
    'asks/s': Number((outcomes.length / run.seconds).toFixed(1)),
    ...(sqsSends !== undefined && {
      'SQS SendMessage calls by the api (asks that were not hits)': `${sqsSends} (${outcomes.length - hits.length})`,
    }),
  };
}

const modelEnv = (fake: FakeLlmServer) => ({
  ANSWER_CACHE: 'on',
  OPENAI_API_KEY: 'sk-bench-not-a-real-key',
  OPENAI_BASE_URL: `${fake.url}/v1`,
  LLM_MAX_ATTEMPTS: '1',
  WORKER_CONCURRENCY: String(CONCURRENCY),
});

async function onEmbedded(questions: string[], fake: FakeLlmServer): Promise<Run> {
  const server = await startNode(embeddedEntry, { ...modelEnv(fake), LOG_LEVEL: 'warn' });
  try {
    return await replay(server.url, questions, fake);
  } finally {
    await server.stop();
  }
}

async function onAwsPath(
  questions: string[],
  fake: FakeLlmServer,
): Promise<{ run: Run; sends: number; substrate: string }> {
  const path = await startAwsPath();
  const sqs = await SqsRecorder.start(path.localAws.endpoints.sqs);
  const port = await freePort();
  const env = { ...path.env, ...modelEnv(fake) };
  const api = startService('api', {
    ...env,
    LLM_PROVIDERS: 'openai',
    AWS_ENDPOINT_URL_SQS: sqs.url,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  const worker = startService('worker', env);
  try {
    await api.waitForLog((line) => line.msg === 'api service started', 30_000);
    await worker.waitForLog((line) => line.msg === 'worker started', 30_000);
    const run = await replay(`http://127.0.0.1:${port}`, questions, fake);
    return {
      run,
      sends: sqs.actions.filter((action) => action === 'SendMessage').length,
      substrate: `SQS on ${path.localAws.sqsServer}, DynamoDB on ${path.localAws.dynamodbServer}`,
    };
  } finally {
    api.kill('SIGKILL');
    worker.kill('SIGKILL');
    await Promise.all([api.exited, worker.exited]);
    await sqs.close();
    await path.stop();
  }
}

export async function benchAnswerCache(): Promise<void> {
  const questions = zipfWorkload(DISTINCT, ASKS);
  const fake = await FakeLlmServer.start();
  fake.otherwise({ ...openaiWire.completion(ANSWER, { usage: USAGE }), delayMs: MODEL_LATENCY_MS });
  try {
    const embedded = await onEmbedded(questions, fake);
    const aws = await onAwsPath(questions, fake);
    console.log(
      `${ASKS} sync asks of ${new Set(questions).size} distinct first questions (of ${DISTINCT}, ` +
        `Zipf-like: the k-th asked ~1/k as often as the first), ${CONCURRENCY} at a time, in one ` +
        `fixed order; the fake model answers in ${MODEL_LATENCY_MS} ms. Each mode starts with an ` +
        `empty cache. AWS path: ${aws.substrate}, the cache in Redis.`,
    );
    const columns = {
      'embedded (memory LRU)': column(embedded),
      'AWS path (api + worker, Redis)': column(aws.run, aws.sends),
    };
    // One row per figure, one column per mode.
    const rows = [...new Set(Object.values(columns).flatMap((one) => Object.keys(one)))];
    console.table(
      Object.fromEntries(
        rows.map((row) => [
          row,
          Object.fromEntries(
            Object.entries(columns).map(([mode, figures]) => [mode, figures[row] ?? '-']),
          ),
        ]),
      ),
    );
  } finally {
    await fake.close();
  }
}
