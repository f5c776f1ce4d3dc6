/**
 * The two production processes (`start:api`, `start:worker`) as real processes against local AWS
 * (moto or LocalStack), a Redis server of this file's own (the event channel between them; with a
 * password, so that no log may show it; stopped and restarted on purpose) and an
 * OpenAI-compatible HTTP server that counts the LLM calls and streams its answers. Workers are
 * killed for real (SIGKILL, SIGTERM). The queue's visibility timeout is 3 s, so a dead worker's
 * jobs come back within seconds.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { gatewaySettings, type Job } from '@iscoolgpt/shared';
import { compareIds, DynamoJobStore, eventsKey } from '@iscoolgpt/shared/aws';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../shared/test/support/fake-llm.js';
import {
  eventData,
  openEventStream,
  streamedText,
  type EventStream,
  type SseEvent,
} from '../../shared/test/support/sse.js';
import { createAwsSuite, type AwsSuite } from '../support/aws-suite.js';
import { freePort } from '../support/host.js';
import { startRedisServer, type RedisServer } from '../support/local-redis.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const REDIS_PASSWORD = `redis-pw-${randomUUID()}`;

let suite: AwsSuite;
let redis: RedisServer;
let redisAdmin: Redis;
/** What both services get: the suite's AWS resources and this file's Redis. */
let servicesEnv: Record<string, string>;
let fake: FakeLlmServer;
let api: ServiceProcess;
let apiUrl: string;
let store: DynamoJobStore;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  suite = await createAwsSuite({ visibilityTimeoutSeconds: 3 });
  redis = await startRedisServer({ args: ['--requirepass', REDIS_PASSWORD] });
  redisAdmin = new Redis(redis.port, '127.0.0.1', {
    password: REDIS_PASSWORD,
    maxRetriesPerRequest: 1,
  });
  redisAdmin.on('error', () => {});
  servicesEnv = {
    ...suite.env,
    REDIS_URL: `redis://:${encodeURIComponent(REDIS_PASSWORD)}@127.0.0.1:${redis.port}`,
  };
  fake = await FakeLlmServer.start();
  store = new DynamoJobStore({
    client: suite.clients.documents,
    tableName: suite.resources.tableName,
  });
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  api = track(
    startService('api', {
      ...servicesEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    }),
  );
  await api.waitForLog((line) => line.msg === 'api service started');
});

afterEach(() => {
  fake.reset();
});

afterAll(async () => {
  for (const service of running) if (service.child.exitCode === null) service.kill('SIGKILL');
  redisAdmin?.disconnect();
  await redis?.stop();
  await fake?.close();
  await suite?.cleanup();
});

function track(service: ServiceProcess): ServiceProcess {
  running.push(service);
  return service;
}

/** A worker for the tests of the describe block this is called in; it is stopped after them. */
function workerForBlock(): () => ServiceProcess {
  let worker: ServiceProcess | undefined;
  beforeAll(async () => {
    worker = await launchWorker();
  });
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await worker?.exited;
  });
  return () => worker!;
}

/**
 * A worker for the test this is called in. A test that fails midway leaves none running: it is
 * SIGKILLed when the test ends, or it would take the next tests' jobs.
 */
async function startWorker(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const worker = await launchWorker(env);
  onTestFinished(async () => {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
    worker.kill('SIGKILL');
    await worker.exited;
  });
  return worker;
}

async function launchWorker(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const worker = track(
    startService('worker', {
      ...servicesEnv,
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
    expect(service.output()).toMatch(/Missing required environment variable: REDIS_URL/);
  });

  it('start:worker exits 1 at once without REDIS_URL, naming it', async () => {
    const { REDIS_URL: _omitted, ...withoutRedis } = suite.env;
    const service = startService('worker', withoutRedis);

    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/Missing required environment variable: REDIS_URL/);
    expect(service.output()).not.toMatch(/JOBS_QUEUE_URL/);
  });

  it('start:api refuses a REDIS_URL that is not redis:// or rediss://, without echoing it', async () => {
    const service = startService('api', {
      ...suite.env,
      PORT: String(await freePort()),
      REDIS_URL: 'http://user:hunter2@cache.internal:6379',
    });

    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(service.output()).not.toContain('hunter2');
  });

  it('start:worker exits 1 at once, naming the one variable it lacks', async () => {
    const { JOBS_DLQ_URL: _omitted, ...withoutDeadLetterQueue } = suite.env;
    const service = startService('worker', withoutDeadLetterQueue);

    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/Missing required environment variable: JOBS_DLQ_URL\./);
  });
});

describe('an ask through api → SQS → worker → DynamoDB', () => {
  workerForBlock();

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
    // Both are answered, each once; and no message is left in the queue for the next test's
    // worker (a job left behind there would take one of its slots and one of its calls).
    await vi.waitFor(
      async () => {
        const jobs = await Promise.all([alice.job.id, bob.job.id].map((id) => store.get(id)));
        expect(jobs.map((job) => [job?.status, job?.answer])).toEqual([
          ['completed', 'A catalyst speeds up a reaction.'],
          ['completed', 'A catalyst speeds up a reaction.'],
        ]);
      },
      { timeout: 20_000, interval: 250 },
    );
  });
});

describe('no job is lost when a worker dies', () => {
  it('serves 20 async asks to completion although the worker is SIGKILLed with jobs in flight and a new one started', async () => {
    // The first worker's provider calls are never answered (on a loaded machine a reply that
    // merely takes a while can arrive before the kill): it dies with five jobs in hand.
    fake.otherwise({ ...openaiWire.completion('Answered.'), delayMs: 120_000 });
    const first = await startWorker({ WORKER_CONCURRENCY: '5' });
    const questions = Array.from({ length: 20 }, () => `Question ${randomUUID()}`);
    const ids = await Promise.all(questions.map((question) => askAsync(question)));

    // Five of these calls or more under way, none of them answered: kill the worker.
    const ours = () => askedQuestions().filter((asked) => questions.includes(asked));
    await vi.waitFor(() => expect(ours().length).toBeGreaterThanOrEqual(5), {
      timeout: 15_000,
      interval: 50,
    });
    first.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const inFlightAtKill = new Set(ours());
    fake.otherwise({ ...openaiWire.completion('Answered.'), delayMs: 200 });
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

const PIECES = ['Energy ', 'is ', 'conserved: ', 'it ', 'changes ', 'form ', 'only.'];
const ANSWER = PIECES.join('');

const jobEvents = (id: string, headers: Record<string, string> = {}) =>
  openEventStream(`${apiUrl}/api/v1/jobs/${id}/events`, { headers });

const deltas = (events: readonly SseEvent[]) => events.filter((event) => event.event === 'delta');

/** Resolves with the n-th `delta` of a stream (1-based) once it has arrived. */
const nthDelta = (stream: EventStream, n: number) =>
  stream.waitFor(
    (event, index) =>
      event.event === 'delta' && deltas(stream.events.slice(0, index + 1)).length === n,
    20_000,
  );

/** Every line either service printed: what a log shipper would keep. */
const allOutput = () => running.map((service) => service.output()).join('\n');

describe('streaming on the AWS path: worker → Redis → api → SSE', () => {
  workerForBlock();

  it('streams a job from `job` to `done`, the deltas making up the answer, ids from the Redis log', async () => {
    fake.otherwise({
      ...openaiWire.completion(ANSWER),
      stream: { pieces: PIECES, intervalMs: 100 },
    });
    const id = await askAsync(`Question ${randomUUID()}`);

    const stream = await jobEvents(id);
    await stream.ended;

    expect(stream.response.status).toBe(200);
    const names = stream.events.map((event) => event.event);
    expect(names[0]).toBe('job');
    expect(names.at(-1)).toBe('done');
    expect(deltas(stream.events).length).toBeGreaterThanOrEqual(3);
    const done = eventData<Job>(stream.events.at(-1));
    expect(done).toMatchObject({ id, status: 'completed', answer: ANSWER });
    expect(streamedText(stream.events).trim()).toBe(done.answer);
    // The deltas crossed processes: the worker logged them in the job's stream on Redis.
    const ids = stream.events.map((event) => event.id ?? '');
    expect(ids.every((eventId) => /^\d+-\d+$/.test(eventId))).toBe(true);
    expect([...ids].sort(compareIds)).toEqual(ids);
    expect(await redisAdmin.type(eventsKey(id))).toBe('stream');
  });

  it('after a reconnect with Last-Event-ID past the second delta, sends exactly the rest', async () => {
    fake.otherwise({
      ...openaiWire.completion(ANSWER),
      stream: { pieces: PIECES, intervalMs: 200 },
    });
    const id = await askAsync(`Question ${randomUUID()}`);
    const first = await jobEvents(id);
    const second = await nthDelta(first, 2);
    first.cut();
    const received = first.events.slice(0, first.events.indexOf(second) + 1);

    const resumed = await jobEvents(id, { 'last-event-id': second.id ?? '' });
    await resumed.ended;

    const whole = [...received, ...resumed.events];
    expect(resumed.events[0]?.event).not.toBe('reset');
    expect(whole.filter((event) => event.event === 'done')).toHaveLength(1);
    expect(streamedText(whole).trim()).toBe(ANSWER);
    const seen = new Set(received.map((event) => event.id));
    expect(resumed.events.filter((event) => seen.has(event.id))).toEqual([]);
    expect(resumed.events.every((event) => compareIds(event.id ?? '', second.id ?? '') > 0)).toBe(
      true,
    );
  });

  it('streams an ask sent with Accept: text/event-stream in the same response', async () => {
    fake.otherwise({
      ...openaiWire.completion(ANSWER),
      stream: { pieces: PIECES, intervalMs: 50 },
    });

    const stream = await openEventStream(`${apiUrl}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: `Question ${randomUUID()}` }),
    });
    await stream.ended;

    expect(stream.response.status).toBe(200);
    expect(stream.events[0]?.event).toBe('job');
    const id = eventData<Job>(stream.events[0]).id;
    expect(eventData<Job>(stream.events.at(-1))).toMatchObject({ id, status: 'completed' });
    expect(streamedText(stream.events).trim()).toBe(ANSWER);
  });

  it('cancels a streaming job: the worker closes the upstream connection within 2 s', async () => {
    const words = Array.from({ length: 60 }, (_, index) => `word${index} `);
    fake.otherwise({
      ...openaiWire.completion(words.join('')),
      stream: { pieces: words, intervalMs: 250 },
    });
    const id = await askAsync(`Question ${randomUUID()}`);
    const stream = await jobEvents(id);
    await nthDelta(stream, 1);

    const cancelledAt = performance.now();
    const response = await fetch(`${apiUrl}/api/v1/jobs/${id}/cancel`, { method: 'POST' });

    expect(response.status).toBe(200);
    expect(((await response.json()) as Job).status).toBe('cancelled');
    await stream.ended;
    expect(eventData<Job>(stream.events.at(-1))).toMatchObject({ id, status: 'cancelled' });
    const call = await vi.waitFor(
      () => {
        const [only] = completions();
        expect(only?.abortedAt).toBeDefined();
        return only!;
      },
      { timeout: 5_000, interval: 50 },
    );
    expect(call.abortedAt! - cancelledAt).toBeLessThan(2000);
    const job = (await (await fetch(`${apiUrl}/api/v1/jobs/${id}`)).json()) as Job;
    expect(job).toMatchObject({ status: 'cancelled', answer: null, error: { code: 'cancelled' } });
    // The worker wrote no answer after the cancel, only the text it had streamed, which is what
    // the client was sent (DynamoDB through the API).
    const sent = streamedText(stream.events);
    expect(sent).toMatch(/^word0 /);
    await vi.waitFor(
      async () => {
        const read = (await (await fetch(`${apiUrl}/api/v1/jobs/${id}`)).json()) as Job;
        expect(read).toMatchObject({ status: 'cancelled', answer: null, partialAnswer: sent });
      },
      { timeout: 5_000, interval: 100 },
    );
    await sleep(500);
    expect(await store.get(id)).toMatchObject({
      status: 'cancelled',
      answer: null,
      partialAnswer: sent,
    });
  });
});

describe('a worker SIGKILLed mid-stream', () => {
  it('the redelivered job’s stream has `reset`, then the whole answer', async () => {
    const slow = Array.from({ length: 40 }, (_, index) => `partial${index} `);
    fake
      .reply({ ...openaiWire.completion(slow.join('')), stream: { pieces: slow, intervalMs: 200 } })
      .otherwise({ ...openaiWire.completion(ANSWER), stream: { pieces: PIECES, intervalMs: 20 } });
    const first = await startWorker();
    const id = await askAsync(`Question ${randomUUID()}`);
    const stream = await jobEvents(id);
    await nthDelta(stream, 2);

    first.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const second = await startWorker();
    await stream.ended;

    const names = stream.events.map((event) => event.event);
    const reset = names.indexOf('reset');
    expect(reset).toBeGreaterThan(names.indexOf('delta'));
    expect(eventData(stream.events[reset])).toEqual({ reason: 'redelivered' });
    expect(streamedText(stream.events.slice(0, reset))).toMatch(/^partial0 partial1 /);
    const done = eventData<Job>(stream.events.at(-1));
    expect(done).toMatchObject({ id, status: 'completed', answer: ANSWER });
    expect(streamedText(stream.events).trim()).toBe(ANSWER);
    expect((await store.get(id))?.deliveries).toBe(2);
    second.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});

describe('Redis stopped during a run', () => {
  const worker = workerForBlock();
  // Registered after the worker's: the 'stack' hook order runs it first, before the worker stops.
  afterAll(async () => {
    // Whatever happened, leave the server up for the rest of the file.
    await redis.restart().catch(() => {});
  });

  it('sync asks still answer 200, async jobs complete, streams end from the store; all recover after', async () => {
    const slow = Array.from({ length: 10 }, (_, index) => `slow${index} `);
    fake
      .reply({ ...openaiWire.completion(slow.join('')), stream: { pieces: slow, intervalMs: 200 } })
      .otherwise({ ...openaiWire.completion(ANSWER), stream: { pieces: PIECES, intervalMs: 20 } });
    // A stream under way when the server goes: it ends with `done` read from the store.
    const slowId = await askAsync(`Question ${randomUUID()}`);
    const open = await jobEvents(slowId);
    await nthDelta(open, 1);

    await redis.stop();

    await open.ended;
    expect(eventData<Job>(open.events.at(-1))).toMatchObject({
      id: slowId,
      status: 'completed',
      answer: slow.join('').trim(),
    });
    const sync = await fetch(`${apiUrl}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=20' },
      body: JSON.stringify({ question: `Question ${randomUUID()}` }),
    });
    expect(sync.status).toBe(200);
    expect(await sync.json()).toMatchObject({ status: 'completed', answer: ANSWER });

    const asyncIds = await Promise.all([1, 2, 3].map(() => askAsync(`Question ${randomUUID()}`)));
    const settled = await settledThroughApi(asyncIds, 30_000);
    expect([...settled.values()].map((job) => [job.status, job.answer])).toEqual(
      asyncIds.map(() => ['completed', ANSWER]),
    );
    const duringOutage = await jobEvents(asyncIds[0]!);
    await duringOutage.ended;
    expect(duringOutage.events.map((event) => event.event)).toEqual(['job', 'done']);
    expect(eventData<Job>(duringOutage.events[1])).toMatchObject({ answer: ANSWER });
    // Its log lines are batched (up to 100 ms): wait for the line rather than read what came so far.
    await worker().waitForLog((line) => line.msg === 'job event not published');

    await redis.restart();

    // Back by itself: a new job streams through the restarted (empty) server again.
    await vi.waitFor(
      async () => {
        const stream = await openEventStream(`${apiUrl}/api/v1/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question: `Question ${randomUUID()}` }),
        });
        await stream.ended;
        expect(deltas(stream.events).length).toBeGreaterThan(0);
        expect(streamedText(stream.events).trim()).toBe(ANSWER);
      },
      { timeout: 20_000, interval: 500 },
    );
    expect(allOutput()).toContain('event channel unavailable');
    expect(allOutput()).not.toContain(REDIS_PASSWORD);
  }, 90_000);
});
