/**
 * A rolling deploy, against local AWS: two workers share the jobs queue, one of them is stopped
 * while questions keep arriving. Every ReceiveMessage of each worker goes through a recording
 * proxy (AWS_ENDPOINT_URL), so the test sees what SQS handed to whom and each message's
 * ApproximateReceiveCount. The long polls last 5 s, so the stopping worker has polls open for a
 * while after its stop begins: whatever they bring must be answered without a second receive,
 * and nothing may reach the dead-letter queue.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, requireAwsConfig, type JobService, ANONYMOUS } from '@iscoolgpt/shared';
import {
  DynamoJobStore,
  buildAwsApiRuntime,
  startAwsWorker,
  type AwsWorker,
} from '@iscoolgpt/shared/aws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAwsSuite, type AwsSuite } from '../../../test/support/aws-suite.js';
import { FakeLlmServer, openaiWire } from '../../../shared/test/support/fake-llm.js';
import { captureLogs } from '../../../shared/test/support/logs.js';
import { SqsRecorder } from './support/sqs-recorder.js';

const CONCURRENCY = 4;

let suite: AwsSuite;
let fake: FakeLlmServer;
let jobs: JobService;
let closeApi: () => Promise<void>;
let store: DynamoJobStore;
const recorders: SqsRecorder[] = [];
const workers: AwsWorker[] = [];

async function startWorker(): Promise<{ worker: AwsWorker; recorder: SqsRecorder }> {
  const recorder = await SqsRecorder.start(suite.env.AWS_ENDPOINT_URL!);
  const config = loadConfig({
    ...suite.env,
    AWS_ENDPOINT_URL: recorder.url,
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    WORKER_CONCURRENCY: String(CONCURRENCY),
    SHUTDOWN_TIMEOUT_SECONDS: '20',
  });
  const aws = requireAwsConfig(config, [
    'AWS_REGION',
    'JOBS_QUEUE_URL',
    'JOBS_DLQ_URL',
    'JOBS_TABLE_NAME',
  ]);
  const worker = await startAwsWorker(config, aws, captureLogs('warn').logger);
  recorders.push(recorder);
  workers.push(worker);
  return { worker, recorder };
}

beforeAll(async () => {
  // As in production, a message reaches the dead-letter queue after a few receives; the long
  // polls are long enough for a stopping worker to hold several open when jobs arrive.
  suite = await createAwsSuite({
    visibilityTimeoutSeconds: 10,
    maxReceiveCount: 3,
    receiveWaitTimeSeconds: 5,
  });
  fake = await FakeLlmServer.start();
  fake.otherwise({ ...openaiWire.completion('An answer.'), delayMs: 200 });
  const config = loadConfig(suite.env);
  const api = buildAwsApiRuntime(
    config,
    requireAwsConfig(config, ['AWS_REGION', 'JOBS_QUEUE_URL', 'JOBS_TABLE_NAME']),
    captureLogs('warn').logger,
  );
  jobs = api.jobs;
  closeApi = api.close;
  store = new DynamoJobStore({
    client: suite.clients.documents,
    tableName: suite.resources.tableName,
  });
});

afterAll(async () => {
  await Promise.allSettled(workers.map((worker) => worker.stop()));
  await Promise.allSettled(recorders.map((recorder) => recorder.close()));
  await closeApi?.();
  await fake?.close();
  await suite?.cleanup();
});

describe('a worker stopped during a rolling deploy while jobs keep arriving', () => {
  it('has every job answered, each message received once, none dead-lettered', async () => {
    const leaving = await startWorker();
    const staying = await startWorker();
    // Both workers' polls are open before the first question.
    await vi.waitFor(
      () => {
        expect(leaving.recorder.openReceives).toBe(CONCURRENCY + 1);
        expect(staying.recorder.openReceives).toBe(CONCURRENCY + 1);
      },
      { timeout: 10_000 },
    );

    const ids: string[] = [];
    const submitEvery100ms = async (count: number) => {
      for (let i = 0; i < count; i++) {
        ids.push(
          (await jobs.submit({ question: `Rolling deploy question ${ids.length}?` }, ANONYMOUS)).job
            .id,
        );
        await sleep(100);
      }
    };
    await submitEvery100ms(15);
    const stopBegan = performance.now();
    const stopped = leaving.worker.stop();
    // The leaving worker's long polls stay open for up to 5 s: questions keep coming meanwhile.
    await submitEvery100ms(60);
    await stopped;

    const settled = await vi.waitFor(
      async () => {
        const found = await store.getMany(ids);
        const pending = found.filter((job) => job.status !== 'completed');
        if (found.length !== ids.length || pending.length > 0) {
          throw new Error(`${pending.length + ids.length - found.length} jobs not completed yet`);
        }
        return found;
      },
      { timeout: 60_000, interval: 250 },
    );
    expect(settled.map((job) => job.status)).toEqual(ids.map(() => 'completed'));

    const received = recorders.flatMap((recorder) =>
      recorder.receives.flatMap((receive) =>
        receive.messages.map((message) => ({ ...message, queueUrl: receive.queueUrl })),
      ),
    );
    // Every job's message was received exactly once, on the first delivery, by one worker ...
    expect(received.filter((m) => m.queueUrl === suite.resources.queueUrl)).toHaveLength(
      ids.length,
    );
    expect(received.filter((m) => m.receiveCount !== 1)).toEqual([]);
    // ... and nothing reached the dead-letter queue.
    expect(received.filter((m) => m.queueUrl === suite.resources.deadLetterQueueUrl)).toEqual([]);
    expect(await suite.messagesOn(suite.resources.deadLetterQueueUrl)).toBe(0);

    // The case at hand did happen: polls the leaving worker had open brought it jobs after its
    // stop began (answered above, on their first receive).
    expect(
      leaving.recorder.receives.some((r) => r.answeredAt > stopBegan && r.messages.length > 0),
    ).toBe(true);
    // Once stopping, the leaving worker opened no new poll: at most the ones already under way
    // (one per job slot and one on the dead-letter queue) reached SQS after the stop began.
    const lateReceives = leaving.recorder.receives.filter((r) => r.sentAt > stopBegan);
    expect(lateReceives.length).toBeLessThanOrEqual(CONCURRENCY + 1);
    // The staying worker answered the questions asked after the leaving one's polls closed.
    expect(
      staying.recorder.receives.some((r) => r.sentAt > stopBegan && r.messages.length > 0),
    ).toBe(true);
  }, 120_000);
});
