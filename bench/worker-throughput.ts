/**
 * The AWS path, measured twice in one run: SQS on moto, then SQS on LocalStack (in a container,
 * else on the host), DynamoDB on moto both times (LocalStack's DynamoDB is DynamoDB Local, not
 * open source), the figures side by side in one table whose columns name each substrate.
 *
 * On each: the worker service's throughput against Little's law (with C jobs in hand at once and
 * each taking L, no worker can finish more than C/L jobs per second; the provider is the offline
 * one with a fixed latency L, OFFLINE_PROVIDER_DELAY_MS). L is long (5 s) because moto,
 * single-threaded, serves only so many requests a second: each server's own ceiling is measured
 * first and printed beside. Then the end-to-end queue overhead of a sync ask (api → SQS → worker
 * → DynamoDB → api) minus L: woken by the job's `done` event on Redis, and with the api's event
 * channel down (a Redis URL nobody listens on), where it falls back to polling DynamoDB; each one
 * ask at a time (the path itself) and ten at a time (ten asks in step share the servers, and moto
 * answers one call at a time: the later ones wait for it).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { loadConfig, requireAwsConfig, ANONYMOUS } from '@iscoolgpt/shared';
import { buildAwsApiRuntime, type AwsClients, type AwsResources } from '@iscoolgpt/shared/aws';
import { pino } from 'pino';
import { freePort } from '../test/support/host.js';
import type { LocalAwsRoute } from '../test/support/local-aws.js';
import {
  startService,
  type LogLine,
  type ServiceProcess,
} from '../test/support/service-process.js';
import { startAwsPath } from './support/aws-path.js';
import { inParallel, percentile } from './support/load.js';

const CONCURRENCY = 50;
const LATENCY_MS = 5000;
/** Ten waves of C jobs: ramp-up and drain weigh little against the run. */
const JOBS = 10 * CONCURRENCY;
/** Jobs submitted and not yet settled while the worker runs: C in hand, C more waiting. */
const BACKLOG = 2 * CONCURRENCY;
const CEILING_CONCURRENCY = 16;
const CEILING_MS = 3000;
const SYNC_ASKS = 30;
const SYNC_CONCURRENCY = 10;
const SOLO_ASKS = 12;
/** On a sync ask's path, one after another: BatchWriteItem, SendMessage, ReceiveMessage, UpdateItem, PutItem, GetItem. */
const CALLS_PER_SYNC_ASK = 6;
const ROUTES: LocalAwsRoute[] = ['moto', 'localstack'];

/** One substrate's figures: each row of the printed table, by name. */
type Column = Record<string, string | number>;

export async function benchWorkerThroughput(): Promise<void> {
  const columns: Record<string, Column> = {};
  for (const route of ROUTES) {
    try {
      const { substrate, column } = await measure(route);
      columns[substrate] = column;
    } catch (error) {
      // No LocalStack here (no container runtime, no Python 3.13): the moto column still stands.
      if (route !== 'localstack' || Object.keys(columns).length === 0) throw error;
      console.log(`LocalStack column left out: ${error instanceof Error ? error.message : error}`);
    }
  }
  console.log(
    `\nthe AWS path side by side, one column per substrate. Throughput: ${JOBS} jobs through one ` +
      `worker process, WORKER_CONCURRENCY=${CONCURRENCY}, provider latency L=${LATENCY_MS / 1000} s, ` +
      `backlog kept at ${BACKLOG} jobs, from "worker started" to the last job settled. Sync ask: ` +
      `end-to-end latency minus L after ${SYNC_CONCURRENCY} warm-up asks per api, ${SOLO_ASKS} asks one ` +
      `at a time, ${SYNC_ASKS} asks ${SYNC_CONCURRENCY} at a time; each makes ${CALLS_PER_SYNC_ASK} ` +
      'calls in a row on its path (put job + conversation, send, receive, claim, settle, read). ' +
      `Ceilings: ${CEILING_CONCURRENCY} concurrent small calls for ${CEILING_MS / 1000} s. ` +
      'Answer cache off: every job a model call.',
  );
  const rows = Object.keys(Object.values(columns)[0] ?? {});
  console.table(
    Object.fromEntries(
      rows.map((row) => [
        row,
        Object.fromEntries(Object.entries(columns).map(([name, column]) => [name, column[row]])),
      ]),
    ),
  );
}

async function measure(route: LocalAwsRoute): Promise<{ substrate: string; column: Column }> {
  const path = await startAwsPath(route);
  const { sqsServer, dynamodbServer } = path.localAws;
  const substrate = `SQS on ${sqsServer}, DynamoDB on ${dynamodbServer}`;
  console.log(`\n### ${substrate}`);
  try {
    const ceilings = await measureCeilings(path.clients, path.resources);
    const calls = await measureCallLatency(path.clients, path.resources);
    const { throughput, overhead } = await measureServices(path.env);
    const share = throughput / (CONCURRENCY / (LATENCY_MS / 1000));
    const column: Column = {
      'worker jobs/s (C/L bound 10)': Number(throughput.toFixed(2)),
      'share of C/L (target >= 90%)': `${(share * 100).toFixed(1)}% (${share >= 0.9 ? 'met' : 'NOT met'})`,
      'requests/s the worker run made (≈6 per job)': Math.round(throughput * 6),
      [`SQS ceiling, req/s (GetQueueAttributes)`]: Math.round(ceilings.sqs),
      [`DynamoDB ceiling, req/s (GetItem)`]: Math.round(ceilings.dynamodb),
      'SendMessage p50 ms, one at a time': Number(calls.sendMs.toFixed(1)),
      'GetItem p50 ms, one at a time': Number(calls.getItemMs.toFixed(1)),
    };
    for (const [name, sorted] of Object.entries(overhead)) {
      const p50 = percentile(sorted, 0.5);
      const met = name.startsWith('woken') ? ` (p50 < 100: ${p50 < 100 ? 'met' : 'NOT met'})` : '';
      column[`sync overhead ms p50 / p99, ${name}`] =
        `${Math.round(p50)} / ${Math.round(percentile(sorted, 0.99))}${met}`;
    }
    return { substrate, column };
  } finally {
    await path.stop();
  }
}

/**
 * One worker process and two api processes (one woken by Redis, one whose channel is down): jobs
 * per second the worker settles with the backlog kept at BACKLOG, then sync asks' latency minus L,
 * sorted, per way of waiting and width (row names of the table).
 */
async function measureServices(env: Record<string, string>) {
  const config = loadConfig(env);
  const submitter = buildAwsApiRuntime(config, requireAwsConfig(config), pino({ level: 'silent' }));
  const backlog = new Backlog(() =>
    submitter.jobs.submit({ question: `Question ${randomUUID()}` }, ANONYMOUS),
  );
  // Waiting before the worker starts, so that none of its slots waits for work.
  await backlog.fill(BACKLOG);
  const worker = startService('worker', {
    ...env,
    WORKER_CONCURRENCY: String(CONCURRENCY),
    OFFLINE_PROVIDER_DELAY_MS: String(LATENCY_MS),
  });
  const apiPort = await freePort();
  const apiProcess = startService('api', { ...env, PORT: String(apiPort), HOST: '127.0.0.1' });
  const pollingPort = await freePort();
  const pollingApi = startService('api', {
    ...env,
    PORT: String(pollingPort),
    HOST: '127.0.0.1',
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
  });
  try {
    const throughput = await measureThroughput(worker, backlog);
    await apiProcess.waitForLog((line) => line.msg === 'api service started', 30_000);
    await pollingApi.waitForLog((line) => line.msg === 'api service started', 30_000);
    const woken = `http://127.0.0.1:${apiPort}`;
    const polled = `http://127.0.0.1:${pollingPort}`;
    // Thrown away: each api's first asks load code, the tokenizer and connections.
    await Promise.all([
      syncAskLatencies(woken, SYNC_CONCURRENCY, SYNC_CONCURRENCY),
      syncAskLatencies(polled, SYNC_CONCURRENCY, SYNC_CONCURRENCY),
    ]);
    const overhead = async (url: string, width: number, asks: number) =>
      (await syncAskLatencies(url, asks, width)).map((ms) => ms - LATENCY_MS).sort((a, b) => a - b);
    return {
      throughput,
      overhead: {
        'woken by done (Redis), 1 at a time': await overhead(woken, 1, SOLO_ASKS),
        'polling DynamoDB (channel down), 1 at a time': await overhead(polled, 1, SOLO_ASKS),
        [`woken by done (Redis), ${SYNC_CONCURRENCY} at a time`]: await overhead(
          woken,
          SYNC_CONCURRENCY,
          SYNC_ASKS,
        ),
        [`polling DynamoDB (channel down), ${SYNC_CONCURRENCY} at a time`]: await overhead(
          polled,
          SYNC_CONCURRENCY,
          SYNC_ASKS,
        ),
      },
    };
  } finally {
    await submitter.close();
    // Measurements are done: no need to wait out their shutdown drains.
    for (const service of [worker, apiProcess, pollingApi]) service.kill('SIGKILL');
    await Promise.all([worker.exited, apiProcess.exited, pollingApi.exited]);
  }
}

/** Jobs submitted so far, `fill` submitting up to a total, 16 at a time. */
class Backlog {
  submitted = 0;
  constructor(private readonly submit: () => Promise<unknown>) {}

  async fill(total: number): Promise<void> {
    const wanted = total - this.submitted;
    if (wanted > 0) await inParallel(wanted, 16, () => this.submit().then(() => this.submitted++));
  }
}

/** Jobs per second `worker` settles, with the backlog kept at BACKLOG until JOBS were submitted. */
async function measureThroughput(worker: ServiceProcess, backlog: Backlog): Promise<number> {
  const started = await worker.waitForLog((line) => line.msg === 'worker started', 30_000);
  const settledLines = () => worker.logs.filter((line) => line.msg === 'job settled');
  const deadline = Date.now() + 10 * (JOBS / CONCURRENCY) * LATENCY_MS;
  // C in hand and C waiting: enough that a slot never waits for work, and no deeper, since
  // moto's receive scans the whole queue.
  while (settledLines().length < JOBS && Date.now() < deadline) {
    await backlog.fill(Math.min(JOBS, settledLines().length + BACKLOG));
    await sleep(100);
  }
  const settled = settledLines();
  if (settled.length < JOBS) throw new Error(`only ${settled.length} of ${JOBS} jobs settled`);
  const failed = settled.filter((line) => line.status !== 'completed').length;
  if (failed > 0) throw new Error(`${failed} jobs failed:\n${worker.output().slice(-4000)}`);
  return JOBS / ((time(settled.at(-1)!) - time(started)) / 1000);
}

async function syncAskLatencies(apiUrl: string, asks: number, width: number): Promise<number[]> {
  const latencies: number[] = [];
  await inParallel(asks, width, async () => {
    const start = performance.now();
    const response = await fetch(`${apiUrl}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=20' },
      body: JSON.stringify({ question: `Sync question ${randomUUID()}` }),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`sync ask answered ${response.status}`);
    latencies.push(performance.now() - start);
  });
  return latencies;
}

/** One call at a time, on an idle server: a GetItem, and a SendMessage to a queue of its own. */
async function measureCallLatency(clients: AwsClients, resources: AwsResources) {
  const { QueueUrl } = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: `latency-${randomUUID().slice(0, 8)}` }),
  );
  const timed = async (call: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < 100; i++) {
      const start = performance.now();
      await call();
      samples.push(performance.now() - start);
    }
    return percentile(
      samples.sort((a, b) => a - b),
      0.5,
    );
  };
  try {
    return {
      getItemMs: await timed(() => clients.documents.send(getNothing(resources))),
      sendMs: await timed(() =>
        clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{}' })),
      ),
    };
  } finally {
    await clients.sqs.send(new DeleteQueueCommand({ QueueUrl }));
  }
}

/** What each server answers per second: small calls, CEILING_CONCURRENCY at a time, for CEILING_MS. */
async function measureCeilings(clients: AwsClients, resources: AwsResources) {
  const perSecond = async (call: () => Promise<unknown>) => {
    let requests = 0;
    const start = performance.now();
    const end = start + CEILING_MS;
    await Promise.all(
      Array.from({ length: CEILING_CONCURRENCY }, async () => {
        while (performance.now() < end) {
          await call();
          requests += 1;
        }
      }),
    );
    return requests / ((performance.now() - start) / 1000);
  };
  return {
    sqs: await perSecond(() =>
      clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: resources.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      ),
    ),
    dynamodb: await perSecond(() => clients.documents.send(getNothing(resources))),
  };
}

function getNothing(resources: AwsResources) {
  return new GetCommand({ TableName: resources.tableName, Key: { pk: 'job#none' } });
}

function time(line: LogLine): number {
  return Date.parse(String(line.time));
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
