/**
 * The two production processes (`start:api`, `start:worker`) as real processes against local AWS
 * (moto or LocalStack) and an OpenAI-compatible HTTP server that counts the LLM calls. Workers are
 * killed for real (SIGKILL, SIGTERM). The queue's visibility timeout is 3 s, so a dead worker's
 * jobs come back within seconds.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { gatewaySettings, type Job } from '@iscoolgpt/shared';
import { DynamoJobStore } from '@iscoolgpt/shared/aws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../shared/test/support/fake-llm.js';
import { createAwsSuite, type AwsSuite } from '../support/aws-suite.js';
import { freePort } from '../support/local-aws.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

let suite: AwsSuite;
let fake: FakeLlmServer;
let api: ServiceProcess;
let apiUrl: string;
let store: DynamoJobStore;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  suite = await createAwsSuite({ visibilityTimeoutSeconds: 3 });
  fake = await FakeLlmServer.start();
  store = new DynamoJobStore({
    client: suite.clients.documents,
    tableName: suite.resources.tableName,
  });
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  api = track(
    startService('api', { ...suite.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }),
  );
  await api.waitForLog((line) => line.msg === 'api service started');
});

afterEach(() => {
  fake.reset();
});

afterAll(async () => {
  for (const service of running) if (service.child.exitCode === null) service.kill('SIGKILL');
  await fake?.close();
  await suite?.cleanup();
});

function track(service: ServiceProcess): ServiceProcess {
  running.push(service);
  return service;
}

async function startWorker(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const worker = track(
    startService('worker', {
      ...suite.env,
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      LOG_LEVEL: 'info',
      WORKER_CONCURRENCY: '5',
      ...env,
    }),
  );
  await worker.waitForLog((line) => line.msg === 'worker started');
  return worker;
}

const completions = () => fake.requests.filter((r) => r.path === '/v1/chat/completions');
/** The questions the LLM server was asked, in order (one entry per call). */
const askedQuestions = () =>
  completions().map((r) => JSON.stringify(r.body).match(/Question [0-9a-f-]+/)?.[0] ?? '');

async function askAsync(question: string): Promise<string> {
  const response = await fetch(`${apiUrl}/api/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'respond-async' },
    body: JSON.stringify({ question }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as Job).id;
}

/** Polls GET /api/v1/jobs/:id, as a client would, until every job is settled. */
async function settledThroughApi(ids: string[], timeoutMs: number): Promise<Map<string, Job>> {
  const settled = new Map<string, Job>();
  const deadline = Date.now() + timeoutMs;
  while (settled.size < ids.length && Date.now() < deadline) {
    for (const id of ids.filter((id) => !settled.has(id))) {
      const job = (await (await fetch(`${apiUrl}/api/v1/jobs/${id}`)).json()) as Job;
      if (job.status === 'completed' || job.status === 'failed') settled.set(id, job);
    }
    if (settled.size < ids.length) await sleep(500);
  }
  return settled;
}

describe('start:api and start:worker without their AWS settings', () => {
  it('start:api exits 1 at once, naming every missing variable', async () => {
    const service = startService('api', { PORT: String(await freePort()) });

    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(
      /Missing required environment variables: AWS_REGION, JOBS_QUEUE_URL, JOBS_TABLE_NAME/,
    );
  });

  it('start:worker exits 1 at once, naming the one variable it lacks', async () => {
    const { JOBS_DLQ_URL: _omitted, ...withoutDeadLetterQueue } = suite.env;
    const service = startService('worker', withoutDeadLetterQueue);

    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/Missing required environment variable: JOBS_DLQ_URL\./);
  });
});

describe('an ask through api → SQS → worker → DynamoDB', () => {
  let worker: ServiceProcess;
  beforeAll(async () => {
    worker = await startWorker();
  });
  afterAll(async () => {
    worker.kill('SIGTERM');
    await worker.exited;
  });

  it('answers a synchronous ask within the wait', async () => {
    fake.otherwise(openaiWire.completion('Photosynthesis turns light into chemical energy.'));

    const response = await fetch(`${apiUrl}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=20' },
      body: JSON.stringify({ question: 'What is photosynthesis?', subject: 'biology' }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'completed',
      question: 'What is photosynthesis?',
      answer: 'Photosynthesis turns light into chemical energy.',
      provider: 'openai',
      attempts: 1,
    });
    expect(completions()).toHaveLength(1);
  });

  it('accepts an asynchronous ask with 202 and a Location the answer appears at', async () => {
    fake.otherwise({ ...openaiWire.completion('A vector has size and direction.'), delayMs: 500 });

    const response = await fetch(`${apiUrl}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify({ question: 'What is a vector?' }),
    });
    expect(response.status).toBe(202);
    const location = response.headers.get('location');
    expect(location).toMatch(/^\/api\/v1\/jobs\/[0-9a-f-]{36}$/);

    const job = await vi.waitFor(
      async () => {
        const polled = (await (await fetch(`${apiUrl}${location}`)).json()) as Job;
        expect(polled.status).toBe('completed');
        return polled;
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(job.answer).toBe('A vector has size and direction.');
  });

  const askAs = (caller: string, key: string) =>
    fetch(`${apiUrl}/api/v1/ask`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        prefer: 'respond-async',
        'idempotency-key': key,
        // What API Gateway sets from the caller's API key id (see gatewaySettings).
        [gatewaySettings.callerHeader]: caller,
      },
      body: JSON.stringify({ question: 'What is a catalyst?' }),
    }).then(async (response) => ({
      status: response.status,
      job: (await response.json()) as Job,
    }));

  it('scopes an Idempotency-Key to the caller API Gateway names: another caller gets its own job', async () => {
    fake.otherwise(openaiWire.completion('A catalyst speeds up a reaction.'));
    const key = `quiz-${randomUUID()}`;
    const alice = await askAs('alice-key-id', key);
    const bob = await askAs('bob-key-id', key);
    const aliceAgain = await askAs('alice-key-id', key);

    expect([alice.status, bob.status]).toEqual([202, 202]);
    expect(bob.job.id).not.toBe(alice.job.id);
    expect(aliceAgain.job.id).toBe(alice.job.id);
  });
});

describe('no job is lost when a worker dies', () => {
  it('serves 20 async asks to completion although the worker is SIGKILLed with jobs in flight and a new one started', async () => {
    fake.otherwise({ ...openaiWire.completion('Answered.'), delayMs: 2000 });
    const first = await startWorker({ WORKER_CONCURRENCY: '5' });
    const questions = Array.from({ length: 20 }, () => `Question ${randomUUID()}`);
    const ids = await Promise.all(questions.map((question) => askAsync(question)));

    // Five provider calls under way, none answered yet (each takes 2 s): kill the worker.
    await vi.waitFor(() => expect(completions().length).toBeGreaterThanOrEqual(5), {
      timeout: 15_000,
      interval: 50,
    });
    first.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const inFlightAtKill = new Set(askedQuestions());
    const second = await startWorker({ WORKER_CONCURRENCY: '5' });

    const settled = await settledThroughApi(ids, 60_000);

    expect(settled.size).toBe(20);
    expect([...settled.values()].map((job) => [job.status, job.answer])).toEqual(
      ids.map(() => ['completed', 'Answered.']),
    );
    // The jobs the dead worker held were delivered again after the visibility timeout and
    // answered by the new worker; every other job was answered exactly once.
    const records = await Promise.all(ids.map((id) => store.get(id)));
    const redelivered = records.filter((job) => job && inFlightAtKill.has(job.question));
    expect(redelivered.length).toBeGreaterThanOrEqual(5);
    expect(redelivered.every((job) => job?.deliveries === 2)).toBe(true);
    const calls = askedQuestions();
    for (const question of questions) {
      expect(calls.filter((asked) => asked === question)).toHaveLength(
        inFlightAtKill.has(question) ? 2 : 1,
      );
    }
    second.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 90_000);
});

describe('graceful shutdown', () => {
  it('on SIGTERM stops polling, finishes the jobs in hand, deletes their messages and exits 0', async () => {
    fake.otherwise({ ...openaiWire.completion('Finished during shutdown.'), delayMs: 1500 });
    const worker = await startWorker({ SHUTDOWN_TIMEOUT_SECONDS: '10' });
    const ids = await Promise.all([1, 2, 3].map(() => askAsync(`Question ${randomUUID()}`)));
    await vi.waitFor(() => expect(completions()).toHaveLength(3), { timeout: 15_000 });

    worker.kill('SIGTERM');

    expect(await worker.exited).toBe(0);
    const records = await Promise.all(ids.map((id) => store.get(id)));
    expect(records.map((job) => [job?.status, job?.answer, job?.deliveries])).toEqual(
      ids.map(() => ['completed', 'Finished during shutdown.', 1]),
    );
    expect(await suite.messagesOn(suite.resources.queueUrl)).toBe(0);
    expect(worker.logs.map((line) => line.msg)).toContain('worker stopped');
  }, 40_000);

  it('past SHUTDOWN_TIMEOUT_SECONDS exits 0 and leaves unfinished jobs whole, for another worker to finish', async () => {
    fake.otherwise({ ...openaiWire.completion('Too slow for this worker.'), delayMs: 8000 });
    const worker = await startWorker({ SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const ids = await Promise.all([1, 2].map(() => askAsync(`Question ${randomUUID()}`)));
    await vi.waitFor(() => expect(completions()).toHaveLength(2), { timeout: 15_000 });

    worker.kill('SIGTERM');

    expect(await worker.exited).toBe(0);
    // Not half-written: still running, with no answer, no outcome, nothing partial.
    for (const job of await Promise.all(ids.map((id) => store.get(id)))) {
      expect(job).toMatchObject({
        status: 'running',
        answer: null,
        error: null,
        completedAt: null,
        deliveries: 1,
      });
    }

    fake.otherwise(openaiWire.completion('Finished by the next worker.'));
    const next = await startWorker();
    const settled = await settledThroughApi(ids, 30_000);
    expect([...settled.values()].map((job) => [job.status, job.answer])).toEqual(
      ids.map(() => ['completed', 'Finished by the next worker.']),
    );
    expect((await Promise.all(ids.map((id) => store.get(id)))).map((j) => j?.deliveries)).toEqual(
      ids.map(() => 2),
    );
    next.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  }, 60_000);
});
