/**
 * The worker against local AWS (moto or LocalStack) and an OpenAI-compatible HTTP server that
 * counts the LLM calls it receives. Messages are real SQS messages; outcomes are read back from
 * the DynamoDB table. The queue has a 3 s visibility timeout and dead-letters after 2 receives.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  loadConfig,
  requireAwsConfig,
  type JobRecord,
  type JobService,
  ANONYMOUS,
} from '@iscoolgpt/shared';
import {
  DynamoJobStore,
  buildAwsApiRuntime,
  startAwsWorker,
  type AwsWorker,
} from '@iscoolgpt/shared/aws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAwsSuite, type AwsSuite } from '../../../test/support/aws-suite.js';
import { FakeLlmServer, openaiWire } from '../../../shared/test/support/fake-llm.js';
import { newJob } from '../../../shared/test/support/jobs.js';
import { FakeEcsAgent } from '../../../shared/test/support/fake-ecs-agent.js';
import { captureLogs } from '../../../shared/test/support/logs.js';

const VISIBILITY_TIMEOUT_SECONDS = 3;

let suite: AwsSuite;
let fake: FakeLlmServer;
let ecsAgent: FakeEcsAgent;
let worker: AwsWorker;
let jobs: JobService;
let closeApi: () => Promise<void>;
let store: DynamoJobStore;
const logs = captureLogs('debug');
const livenessFile = join(mkdtempSync(join(tmpdir(), 'worker-liveness-')), 'alive');

beforeAll(async () => {
  suite = await createAwsSuite({
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    maxReceiveCount: 2,
  });
  fake = await FakeLlmServer.start();
  ecsAgent = await FakeEcsAgent.start();
  const config = loadConfig({
    ...suite.env,
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    WORKER_CONCURRENCY: '4',
    SHUTDOWN_TIMEOUT_SECONDS: '5',
    ECS_AGENT_URI: ecsAgent.uri,
    WORKER_LIVENESS_FILE: livenessFile,
  });
  const aws = requireAwsConfig(config, [
    'AWS_REGION',
    'JOBS_QUEUE_URL',
    'JOBS_DLQ_URL',
    'JOBS_TABLE_NAME',
  ]);
  worker = await startAwsWorker(config, aws, logs.logger);
  const api = buildAwsApiRuntime(config, aws, logs.logger);
  jobs = api.jobs;
  closeApi = api.close;
  store = new DynamoJobStore({
    client: suite.clients.documents,
    tableName: suite.resources.tableName,
  });
});

afterEach(() => {
  fake.reset();
});

afterAll(async () => {
  await worker?.stop();
  await closeApi?.();
  await fake?.close();
  await ecsAgent?.close();
  await suite?.cleanup();
});

async function ask(question = `What is ${randomUUID()}?`): Promise<string> {
  const { job } = await jobs.submit({ question }, ANONYMOUS);
  return job.id;
}

/** The stored job once it is settled (the test fails if it does not settle in time). */
async function settled(id: string, timeout = 20_000): Promise<JobRecord> {
  return vi.waitFor(
    async () => {
      const job = await store.get(id);
      if (!job || (job.status !== 'completed' && job.status !== 'failed')) {
        throw new Error(`job ${id} is ${job?.status ?? 'missing'}`);
      }
      return job;
    },
    { timeout, interval: 200 },
  );
}

async function drained(queueUrl: string, timeout = 20_000): Promise<void> {
  await vi.waitFor(
    async () => {
      expect(await suite.messagesOn(queueUrl)).toBe(0);
    },
    { timeout, interval: 250 },
  );
}

async function sendRaw(body: string, queueUrl = suite.resources.queueUrl): Promise<void> {
  await suite.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}

const completions = () => fake.requests.filter((r) => r.path === '/v1/chat/completions');

describe('the worker', () => {
  it('keeps touching its liveness file while it polls, which the ECS health check reads', async () => {
    const first = statSync(livenessFile).mtimeMs;
    await vi.waitFor(() => expect(statSync(livenessFile).mtimeMs).toBeGreaterThan(first), {
      timeout: 15_000,
      interval: 100,
    });
  });

  it('answers a job, stores the outcome, then deletes the message', async () => {
    fake.otherwise(openaiWire.completion('Entropy measures the number of microstates.'));

    const job = await settled(await ask('What is entropy?'));

    expect(job).toMatchObject({
      status: 'completed',
      answer: 'Entropy measures the number of microstates.',
      provider: 'openai',
      attempts: 1,
      deliveries: 1,
    });
    expect(completions()).toHaveLength(1);
    await drained(suite.resources.queueUrl);
  });

  it('protects its ECS task from scale-in while it holds a job', async () => {
    fake.otherwise(openaiWire.completion('Protected.'));

    await settled(await ask());

    // Protection is asked for once and kept while jobs keep coming (earlier tests' jobs included).
    expect(ecsAgent.requests).toContainEqual({
      method: 'PUT',
      url: '/v4/task-id/task-protection/v1/state',
      body: { ProtectionEnabled: true, ExpiresInMinutes: 15 },
    });
  });

  it('calls the LLM once and stores one result when the same message is delivered twice', async () => {
    fake.otherwise({ ...openaiWire.completion('Only once.'), delayMs: 1500 });
    const id = await ask();
    await sendRaw(JSON.stringify({ jobId: id }));

    const job = await settled(id);
    await drained(suite.resources.queueUrl);

    expect(completions()).toHaveLength(1);
    expect(job).toMatchObject({ status: 'completed', answer: 'Only once.', attempts: 1 });
    expect(await store.get(id)).toEqual(job);
  });

  it('keeps a slow call to itself: the heartbeat hides the message and renews the lease', async () => {
    // Twice the visibility timeout: without the heartbeat the message would reappear and, the
    // lease having run out, a second slot would call the LLM again.
    fake.otherwise({ ...openaiWire.completion('Worth the wait.'), delayMs: 7000 });

    const job = await settled(await ask(), 25_000);

    expect(completions()).toHaveLength(1);
    expect(job).toMatchObject({ status: 'completed', answer: 'Worth the wait.', deliveries: 1 });
    await drained(suite.resources.queueUrl);
  }, 40_000);

  it('renews the lease of a slow job, so a duplicate delivered meanwhile does not call the LLM again', async () => {
    fake.otherwise({ ...openaiWire.completion('Leased.'), delayMs: 7000 });
    const id = await ask();
    await vi.waitFor(() => expect(completions()).toHaveLength(1), { timeout: 10_000 });
    // Past the lease the claim took (visibility timeout − one heartbeat = 2 s): only the renewals
    // keep the job from being claimed again by this copy.
    await sleep(3500);
    await sendRaw(JSON.stringify({ jobId: id }));

    const job = await settled(id, 25_000);
    await drained(suite.resources.queueUrl);

    expect(completions()).toHaveLength(1);
    expect(job).toMatchObject({ status: 'completed', answer: 'Leased.', deliveries: 1 });
  }, 40_000);

  it('fails a job on a permanent provider error without retrying it, and deletes the message', async () => {
    fake.otherwise(
      openaiWire.error(400, { message: 'Invalid model', type: 'invalid_request_error' }),
    );

    const job = await settled(await ask());

    expect(job).toMatchObject({ status: 'failed', error: { code: 'provider_bad_request' } });
    expect(completions()).toHaveLength(1);
    await drained(suite.resources.queueUrl);
  });

  it('drops the message of a job that no longer exists instead of retrying it', async () => {
    const jobId = randomUUID();
    await sendRaw(JSON.stringify({ jobId }));

    await drained(suite.resources.queueUrl);

    expect(completions()).toHaveLength(0);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ jobId, msg: 'job not found; message dropped' }),
    );
  });

  it('moves a message that is not a job message to the dead-letter queue, untouched', async () => {
    await sendRaw('{"question":"not a job message"}');

    await drained(suite.resources.queueUrl);
    // Kept in the dead-letter queue for a person to inspect (hidden between looks).
    await vi.waitFor(
      async () => expect(await suite.messagesOn(suite.resources.deadLetterQueueUrl)).toBe(1),
      { timeout: 10_000, interval: 250 },
    );
    expect(completions()).toHaveLength(0);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({
        queueUrl: suite.resources.deadLetterQueueUrl,
        msg: expect.stringMatching(/not a job message/),
      }),
    );
  });

  it('settles a job whose message was dead-lettered as failed / dead_lettered, not stuck running', async () => {
    // A job another (hung) worker holds for an hour: every delivery finds it busy, until SQS
    // gives up on the message and moves it to the dead-letter queue.
    const { job } = await store.create(newJob());
    await store.claim(job.id, new Date(), new Date(Date.now() + 3600_000));
    await sendRaw(JSON.stringify({ jobId: job.id }));

    const failed = await settled(job.id, 30_000);

    expect(failed).toMatchObject({
      status: 'failed',
      error: { code: 'dead_lettered' },
      answer: null,
    });
    expect(completions()).toHaveLength(0);
    await drained(suite.resources.queueUrl);
  }, 40_000);
});
