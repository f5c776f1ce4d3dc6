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

  describe('under steady load, bounded continuous protection', () => {
    /**
     * A job intake that never runs dry: `slots` loops, each taking a 10 ms job as soon as the last
     * one ends, until paused. What a busy SqsJobSource looks like to the protection.
     */
    function steadyLoad(protection: TaskProtection, slots = 2) {
      const seen = { running: 0, paused: false, pauses: 0, resumes: 0 };
      let generation = 0;
      const loop = async (mine: number) => {
        while (!seen.paused && mine === generation) {
          await protection.around(async () => {
            seen.running += 1;
            await job(10)();
            seen.running -= 1;
          });
        }
      };
      const start = () => {
        generation += 1;
        for (let i = 0; i < slots; i++) void loop(generation);
      };
      protection.bound({
        pause: async () => {
          seen.paused = true;
          seen.pauses += 1;
        },
        resume: () => {
          seen.paused = false;
          seen.resumes += 1;
          start();
        },
      });
      return { seen, start, stop: () => (seen.paused = true) };
    }

    it('releases protection only after it stopped taking jobs and the jobs in hand are done, then resumes', async () => {
      const protection = new TaskProtection({
        agentUri: agent.uri,
        logger: captureLogs().logger,
        maxProtectedMs: 100,
        releaseWindowMs: 50,
      });
      const load = steadyLoad(protection);
      const atRelease: { running: number; paused: boolean }[] = [];
      agent.onRequest = (request) => {
        if (request.body.ProtectionEnabled === false) atRelease.push({ ...load.seen });
      };

      load.start();
      for (let i = 0; i < 300 && load.seen.resumes < 2; i++) await job(10)();
      load.stop();
      await protection.close(1000);

      // Protect, release, protect again, release again, ...: never one endless stretch.
      expect(agent.states.slice(0, 4)).toEqual([true, false, true, false]);
      expect(load.seen.resumes).toBeGreaterThanOrEqual(2);
      for (const moment of atRelease.slice(0, 2)) {
        expect(moment).toEqual(expect.objectContaining({ running: 0, paused: true }));
      }
    });

    it('does not take jobs again when the worker shuts down during the unprotected window', async () => {
      const logs = captureLogs();
      const protection = new TaskProtection({
        agentUri: agent.uri,
        logger: logs.logger,
        maxProtectedMs: 50,
        releaseWindowMs: 60_000,
      });
      const load = steadyLoad(protection);
      load.start();
      for (let i = 0; i < 300 && !agent.states.includes(false); i++) await job(10)();

      await protection.close(1000);

      expect(load.seen).toMatchObject({ pauses: 1, resumes: 0, running: 0 });
      expect(agent.states).toEqual([true, false]);
    });

    it('without a bound (no intake to pause), keeps protecting through steady load as before', async () => {
      const protection = new TaskProtection({
        agentUri: agent.uri,
        logger: captureLogs().logger,
        maxProtectedMs: 20,
      });
      for (let i = 0; i < 10; i++) await protection.around(job(5));
      expect(agent.states).toEqual([true]);
      await protection.release();
    });
  });
});
