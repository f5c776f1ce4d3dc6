import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskProtection } from '../../../src/adapters/aws/task-protection.js';
import { FakeEcsAgent } from '../../support/fake-ecs-agent.js';
import { captureLogs } from '../../support/logs.js';

let agent: FakeEcsAgent;
beforeAll(async () => {
  agent = await FakeEcsAgent.start();
});
afterAll(() => agent.close());
beforeEach(() => agent.reset());

const job = (ms: number) => () => new Promise((resolve) => setTimeout(resolve, ms));

describe('ECS task scale-in protection around jobs', () => {
  it('protects the task while jobs run, once for overlapping jobs, and releases it when idle', async () => {
    const protection = new TaskProtection({
      agentUri: agent.uri,
      logger: captureLogs().logger,
      releaseDelayMs: 30,
    });

    await Promise.all([protection.around(job(20)), protection.around(job(40))]);
    // Released by the idle timer, without anyone calling release().
    for (let i = 0; i < 200 && agent.requests.length < 2; i++) await job(10)();

    expect(agent.requests).toEqual([
      {
        method: 'PUT',
        url: '/v4/task-id/task-protection/v1/state',
        body: { ProtectionEnabled: true, ExpiresInMinutes: 15 },
      },
      {
        method: 'PUT',
        url: '/v4/task-id/task-protection/v1/state',
        body: { ProtectionEnabled: false },
      },
    ]);
  });

  it('keeps protection through back-to-back jobs instead of toggling it per job', async () => {
    const protection = new TaskProtection({
      agentUri: agent.uri,
      logger: captureLogs().logger,
      releaseDelayMs: 50,
    });

    for (let i = 0; i < 5; i++) await protection.around(job(5));
    await protection.release();

    expect(agent.states).toEqual([true, false]);
  });

  it('never fails a job because the agent refused or is unreachable, and says so in the log', async () => {
    const logs = captureLogs();
    agent.failNext = true;
    const refused = new TaskProtection({ agentUri: agent.uri, logger: logs.logger });
    const unreachable = new TaskProtection({
      agentUri: 'http://127.0.0.1:9/v4/x',
      logger: logs.logger,
    });

    await expect(refused.around(async () => 'answer')).resolves.toBe('answer');
    await expect(unreachable.around(async () => 'answer')).resolves.toBe('answer');
    await refused.release();
    await unreachable.release();

    const warnings = logs
      .entries()
      .filter((line) => line.level === 40)
      .map((line) => line.msg);
    expect(warnings).toContain('task scale-in protection not changed');
    expect(warnings).toContain('ECS agent unreachable for task protection');
  });
});
