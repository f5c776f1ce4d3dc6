/**
 * The worker service's throughput on local AWS (AWS_ENDPOINT_URL, or LocalStack, or a moto server
 * provisioned as in the tests) against Little's law: with C jobs in hand at once and each taking
 * L, no worker can finish more than C/L jobs per second. The provider is the offline one with a
 * fixed latency L (OFFLINE_PROVIDER_DELAY_MS). L is long (5 s) because moto, single-threaded,
 * serves only so many requests a second: its own ceiling is measured first and printed beside.
 * Then the end-to-end queue overhead of a sync ask (api → SQS → worker → DynamoDB → api) minus L,
 * side by side: woken by the job's `done` event on Redis, and with the api's event channel down
 * (a Redis URL nobody listens on), where it falls back to polling DynamoDB as it did before; each
 * one ask at a time (the path itself) and ten at a time (ten asks in step share moto, which
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
import { loadConfig, requireAwsConfig } from '@iscoolgpt/shared';
import { buildAwsApiRuntime, type AwsClients, type AwsResources } from '@iscoolgpt/shared/aws';
import { pino } from 'pino';
import { freePort } from '../test/support/host.js';
import { startService, type LogLine } from '../test/support/service-process.js';
import { startAwsPath } from './support/aws-path.js';
import { inParallel } from './support/load.js';

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
const MOTO_CALLS_PER_SYNC_ASK = 6;

export async function benchWorkerThroughput(): Promise<void> {
  const path = await startAwsPath();
  try {
    const ceiling = await measureCeiling(path.clients, path.resources);
    const motoCall = await measureCallLatency(path.clients, path.resources);
    console.log(
      `${path.localAws.sqsServer} ceiling: ${ceiling.toFixed(0)} requests/s ` +
        `(${CEILING_CONCURRENCY} concurrent small DynamoDB GetItem / SQS GetQueueAttributes calls)`,
    );
    await throughputAndOverhead(path.env, ceiling, motoCall);
  } finally {
    await path.stop();
  }
}

async function throughputAndOverhead(
  env: Record<string, string>,
  ceiling: number,
  motoCall: CallLatency,
): Promise<void> {
  const config = loadConfig(env);
  const api = buildAwsApiRuntime(config, requireAwsConfig(config), pino({ level: 'silent' }));
  const submit = () => api.jobs.submit({ question: `Question ${randomUUID()}` });
  let submitted = 0;
  await inParallel(BACKLOG, 16, () => submit().then(() => (submitted += 1)));

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
    const started = await worker.waitForLog((line) => line.msg === 'worker started', 30_000);
    const settledLines = () => worker.logs.filter((line) => line.msg === 'job settled');
    const deadline = Date.now() + 10 * (JOBS / CONCURRENCY) * LATENCY_MS;
    // Keep the backlog at BACKLOG jobs (C in hand, C waiting) until JOBS were submitted: enough
    // that a slot never waits for work, and no deeper, since moto's receive scans the whole queue.
    while (settledLines().length < JOBS && Date.now() < deadline) {
      const wanted = Math.min(JOBS, settledLines().length + BACKLOG) - submitted;
      if (wanted > 0) await inParallel(wanted, 16, () => submit().then(() => (submitted += 1)));
      await sleep(100);
    }
    await api.close();
    const settled = settledLines();
    if (settled.length < JOBS) throw new Error(`only ${settled.length} of ${JOBS} jobs settled`);
    const failed = settled.filter((line) => line.status !== 'completed').length;
    if (failed > 0) throw new Error(`${failed} jobs failed:\n${worker.output().slice(-4000)}`);

    const seconds = (time(settled.at(-1)!) - time(started)) / 1000;
    const perSecond = JOBS / seconds;
    const bound = CONCURRENCY / (LATENCY_MS / 1000);
    const share = perSecond / bound;
    console.log(
      `\n${JOBS} jobs through one worker process, WORKER_CONCURRENCY=${CONCURRENCY}, provider ` +
        `latency L=${LATENCY_MS / 1000} s, backlog kept at ${BACKLOG} jobs by submitting as jobs settle`,
    );
    console.table({
      'worker throughput': {
        'jobs/s': Number(perSecond.toFixed(2)),
        'C/L bound': bound,
        'share of bound': `${(share * 100).toFixed(1)}%`,
        'moto requests/s (ceiling)': Math.round(ceiling),
        // Worker: receive, claim, settle, delete. API: put, send.
        'requests/s to moto (≈6 per job)': Math.round(perSecond * 6),
      },
    });
    console.log(
      `throughput: ${(share * 100).toFixed(1)}% of C/L (target >= 90%: ${share >= 0.9 ? 'met' : 'NOT met'}); ` +
        `measured from "worker started" to the last job settled`,
    );

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
    const rows = {
      'woken by the done event (Redis), one at a time': await overhead(woken, 1, SOLO_ASKS),
      'polling DynamoDB (channel down), one at a time': await overhead(polled, 1, SOLO_ASKS),
      [`woken by the done event (Redis), ${SYNC_CONCURRENCY} at a time`]: await overhead(
        woken,
        SYNC_CONCURRENCY,
        SYNC_ASKS,
      ),
      [`polling DynamoDB (channel down), ${SYNC_CONCURRENCY} at a time`]: await overhead(
        polled,
        SYNC_CONCURRENCY,
        SYNC_ASKS,
      ),
    };
    console.log(
      `\nsync ask end-to-end (api → SQS → worker → DynamoDB → api) minus L, after ${SYNC_CONCURRENCY} warm-up asks per api; ` +
        `each ask makes ${MOTO_CALLS_PER_SYNC_ASK} moto calls in a row on its path (put job + conversation, send, receive, claim, settle, read):`,
    );
    console.table(
      Object.fromEntries(
        Object.entries(rows).map(([name, sorted]) => [
          name,
          {
            asks: sorted.length,
            'p50 ms': Math.round(percentile(sorted, 0.5)),
            'p99 ms': Math.round(percentile(sorted, 0.99)),
            'max ms': Math.round(sorted.at(-1)!),
            'target p50 < 100 ms': name.startsWith('woken')
              ? percentile(sorted, 0.5) < 100
                ? 'met'
                : 'NOT met'
              : '',
          },
        ]),
      ),
    );
    console.log(
      `a moto call here takes ${motoCall.getItemMs.toFixed(1)} ms (GetItem p50) to ${motoCall.sendMs.toFixed(1)} ms (SendMessage p50) ` +
        `one at a time, and moto serves one call at a time: ${SYNC_CONCURRENCY} asks at once queue for it`,
    );
  } finally {
    // Measurements are done: no need to wait out their shutdown drains.
    worker.kill('SIGKILL');
    apiProcess.kill('SIGKILL');
    pollingApi.kill('SIGKILL');
    await Promise.all([worker.exited, apiProcess.exited, pollingApi.exited]);
  }
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

interface CallLatency {
  getItemMs: number;
  sendMs: number;
}

/** One call at a time, on an idle server: a GetItem, and a SendMessage to a queue of its own. */
async function measureCallLatency(
  clients: AwsClients,
  resources: AwsResources,
): Promise<CallLatency> {
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
      getItemMs: await timed(() =>
        clients.documents.send(
          new GetCommand({ TableName: resources.tableName, Key: { pk: 'job#none' } }),
        ),
      ),
      sendMs: await timed(() =>
        clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{}' })),
      ),
    };
  } finally {
    await clients.sqs.send(new DeleteQueueCommand({ QueueUrl }));
  }
}

/** Small calls, CEILING_CONCURRENCY at a time, for CEILING_MS: what the server answers per second. */
async function measureCeiling(clients: AwsClients, resources: AwsResources): Promise<number> {
  let requests = 0;
  const end = performance.now() + CEILING_MS;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CEILING_CONCURRENCY }, async (_, slot) => {
      for (let i = slot; performance.now() < end; i++) {
        await (i % 2 === 0
          ? clients.documents.send(
              new GetCommand({ TableName: resources.tableName, Key: { pk: 'job#none' } }),
            )
          : clients.sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: resources.queueUrl,
                AttributeNames: ['ApproximateNumberOfMessages'],
              }),
            ));
        requests += 1;
      }
    }),
  );
  return requests / ((performance.now() - start) / 1000);
}

function time(line: LogLine): number {
  return Date.parse(String(line.time));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
