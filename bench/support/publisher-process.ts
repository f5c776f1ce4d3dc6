/**
 * The worker's publishing path in a process of its own, for the many-streams benchmark: for each
 * job it streams pieces of text at a fixed pace through the worker's own code (DeltaPacer's
 * coalescing, EventPublisher, the Redis event channel), then settles the job in DynamoDB and
 * announces `done`, as JobProcessor does after a provider call. What it leaves out of a real
 * worker is SQS, the provider's HTTP stream and the cancel watch, so that the two cores go to the
 * API process being measured and to its clients.
 *
 * Input: the services' AWS and Redis settings and PUBLISH_INTERVAL_MS (env); then rounds, one
 * JSON line each on stdin (`{ jobIds, pieces }`). It prints `ready`, then for each round, once its
 * every job settled, one JSON line: for each job id the epoch milliseconds at which each piece
 * was handed to the DeltaPacer (`sentAt`), and the CPU time the round took (`cpuUs`).
 */
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeltaPacer,
  EventPublisher,
  loadConfig,
  requireAwsConfig,
  Settler,
} from '@iscoolgpt/shared';
import { buildRedisEventChannel, createAwsClients, DynamoJobStore } from '@iscoolgpt/shared/aws';
import { pino } from 'pino';

const config = loadConfig(process.env);
const aws = requireAwsConfig(config);
const logger = pino({ level: 'warn' });
const channel = buildRedisEventChannel(config, logger, 'worker');
const clients = createAwsClients({ ...aws, maxSockets: 64 });
const store = new DynamoJobStore({ client: clients.documents, tableName: aws.tableName });
const publisher = new EventPublisher(channel, logger);
const settler = new Settler({
  store,
  publisher,
  logger,
  deadlineSeconds: config.JOB_DEADLINE_SECONDS,
});

const intervalMs = Number(process.env.PUBLISH_INTERVAL_MS ?? 50);
const epochNow = () => performance.timeOrigin + performance.now();

/** One round: every job's pieces on its beat, then its settlement; the pieces' send times. */
async function round(jobIds: string[], pieces: string[]): Promise<Record<string, number[]>> {
  const sentAt: Record<string, number[]> = {};
  const start = performance.now();
  // The jobs' beats spread over one interval, as streams that began at different moments are.
  await Promise.all(
    jobIds.map((jobId, index) => {
      const times: number[] = (sentAt[jobId] = []);
      return stream(jobId, pieces, start + (index / jobIds.length) * intervalMs, times);
    }),
  );
  return sentAt;
}

async function stream(
  jobId: string,
  pieces: string[],
  startAt: number,
  times: number[],
): Promise<void> {
  const deltas = new DeltaPacer(publisher, jobId);
  for (const [index, piece] of pieces.entries()) {
    // Each piece on its own beat from the job's start, so late timers do not drift the pace.
    const wait = startAt + index * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    times.push(epochNow());
    deltas.write(piece);
  }
  await deltas.flush();
  await settling.acquire();
  try {
    await settle(jobId, pieces);
  } finally {
    settling.release();
  }
}

function settle(jobId: string, pieces: string[]) {
  return settler.settle(
    jobId,
    {
      status: 'completed',
      answer: pieces.join(''),
      provider: 'openai',
      model: 'bench',
      usage: { inputTokens: 10, outputTokens: pieces.length, costUsd: 0 },
      attempts: 1,
    },
    { from: ['queued', 'running'], beforeDeadline: false },
  );
}

/**
 * The streams all end within one interval: their settles go to DynamoDB SETTLE_WIDTH at a time,
 * as a worker's concurrency slots would send them, not a thousand at once.
 */
const SETTLE_WIDTH = 16;
const settling = (() => {
  let free = SETTLE_WIDTH;
  const waiting: (() => void)[] = [];
  return {
    acquire: () =>
      free > 0
        ? (free--, Promise.resolve())
        : new Promise<void>((resolve) => waiting.push(resolve)),
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
})();

process.stdout.write('ready\n');
// A round per line: the process stays up between them, so a round after the first runs warm.
for await (const line of createInterface({ input: process.stdin })) {
  const { jobIds, pieces } = JSON.parse(line) as { jobIds: string[]; pieces: string[] };
  const cpuAtStart = process.cpuUsage();
  const sentAt = await round(jobIds, pieces);
  const cpu = process.cpuUsage(cpuAtStart);
  process.stdout.write(`${JSON.stringify({ sentAt, cpuUs: cpu.user + cpu.system })}\n`);
}
clients.destroy();
await channel.close();
