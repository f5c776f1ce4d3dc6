/**
 * Bounded scale-in protection, end to end: a worker under steady load (more queued jobs than it
 * can take at once) against local AWS, the fake ECS agent and a fake LLM. Protection must not
 * last for ever: the worker stops taking jobs, finishes the ones in hand, releases protection
 * (ECS may stop it now), then takes jobs again.
 */
import { performance } from 'node:perf_hooks';
import { loadConfig, requireAwsConfig, type JobService, ANONYMOUS } from '@iscoolgpt/shared';
import { buildAwsApiRuntime, startAwsWorker, type AwsWorker } from '@iscoolgpt/shared/aws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAwsSuite, type AwsSuite } from '../../../test/support/aws-suite.js';
import { FakeEcsAgent } from '../../../shared/test/support/fake-ecs-agent.js';
import { FakeLlmServer, openaiWire } from '../../../shared/test/support/fake-llm.js';
import { captureLogs } from '../../../shared/test/support/logs.js';

const LLM_DELAY_MS = 200;

let suite: AwsSuite;
let fake: FakeLlmServer;
let ecsAgent: FakeEcsAgent;
let worker: AwsWorker;
let jobs: JobService;
let closeApi: () => Promise<void>;
/** performance.now() at each agent request, with the state asked for. */
const agentCalls: { enabled: unknown; at: number }[] = [];

beforeAll(async () => {
  suite = await createAwsSuite({ visibilityTimeoutSeconds: 10, maxReceiveCount: 3 });
  fake = await FakeLlmServer.start();
  fake.otherwise({ ...openaiWire.completion('An answer.'), delayMs: LLM_DELAY_MS });
  ecsAgent = await FakeEcsAgent.start();
  ecsAgent.onRequest = (request) =>
    agentCalls.push({ enabled: request.body.ProtectionEnabled, at: performance.now() });
  const config = loadConfig({
    ...suite.env,
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    WORKER_CONCURRENCY: '2',
    SHUTDOWN_TIMEOUT_SECONDS: '5',
    ECS_AGENT_URI: ecsAgent.uri,
  });
  const aws = requireAwsConfig(config, [
    'AWS_REGION',
    'JOBS_QUEUE_URL',
    'JOBS_DLQ_URL',
    'JOBS_TABLE_NAME',
  ]);
  const api = buildAwsApiRuntime(config, aws, captureLogs().logger);
  jobs = api.jobs;
  closeApi = api.close;
  worker = await startAwsWorker(config, aws, captureLogs().logger, undefined, {
    maxProtectedMs: 1500,
    releaseWindowMs: 1000,
  });
});

afterAll(async () => {
  await worker?.stop();
  await closeApi?.();
  await fake?.close();
  await ecsAgent?.close();
  await suite?.cleanup();
});

describe('a worker under steady load', () => {
  it('releases its scale-in protection within the bound, with no job in hand, then takes jobs again', async () => {
    for (let i = 0; i < 40; i++) await jobs.submit({ question: `Question ${i}?` }, ANONYMOUS);

    await vi.waitFor(
      () => expect(agentCalls.map((c) => c.enabled).slice(0, 3)).toEqual([true, false, true]),
      { timeout: 60_000, interval: 200 },
    );

    const released = agentCalls[1]!.at;
    const protectedAgain = agentCalls[2]!.at;
    const calls = fake.requests.filter((r) => r.path === '/v1/chat/completions');
    // Every provider call started before the release had been answered by then ...
    const before = calls.filter((r) => r.receivedAt <= released);
    expect(before.length).toBeGreaterThan(0);
    for (const call of before) expect(call.receivedAt + LLM_DELAY_MS).toBeLessThanOrEqual(released);
    // ... and none started while the task was unprotected: it took no job until protected again.
    expect(calls.filter((r) => r.receivedAt > released && r.receivedAt < protectedAgain)).toEqual(
      [],
    );
  });
});
