import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import {
  backlogPerTaskTarget,
  InfraConfigError,
  MAX_SYNC_WAIT_SECONDS,
  readConfig,
} from '../lib/config.js';
import { jobsQueue } from '../lib/shared-resources.js';

const fromContext = (values: Record<string, unknown>) => (key: string) => values[key];

describe('infra configuration from CDK context', () => {
  it('synthesizes with no context at all, so `npm run synth` needs no flags or credentials', () => {
    const config = readConfig(fromContext({}));
    expect(config.envName).toBe('dev');
    expect(config.imageTag).toBe('dev');
    expect(config.region).toBe('us-east-1');
    expect(config.profile).toBe('development');
    expect(config.logRetention).toBe(RetentionDays.ONE_WEEK);
  });

  it('takes the region the CLI resolved when context does not name one', () => {
    expect(readConfig(fromContext({}), { CDK_DEFAULT_REGION: 'sa-east-1' }).region).toBe(
      'sa-east-1',
    );
    expect(
      readConfig(fromContext({ region: 'eu-west-1' }), { CDK_DEFAULT_REGION: 'sa-east-1' }).region,
    ).toBe('eu-west-1');
  });

  it('reads CLI context strings (-c key=value) as numbers and booleans', () => {
    const config = readConfig(
      fromContext({
        imageTag: 'a1b2c3d',
        apiDesiredCount: '3',
        workerDesiredCount: '2',
        workerMaxCount: '20',
        vpcInterfaceEndpoints: 'true',
        corsAllowOrigins: 'https://app.example.com, https://admin.example.com',
      }),
    );
    expect(config.imageTag).toBe('a1b2c3d');
    expect(config.api.desiredCount).toBe(3);
    expect(config.worker).toMatchObject({ desiredCount: 2, maxCount: 20 });
    expect(config.network.interfaceEndpoints).toBe(true);
    expect(config.edge.corsAllowOrigins).toEqual([
      'https://app.example.com',
      'https://admin.example.com',
    ]);
  });

  it('never lets the worker scale to zero: a queued job always has a consumer', () => {
    expect(() => readConfig(fromContext({ workerDesiredCount: '0' }))).toThrow(
      /workerDesiredCount/,
    );
  });

  it('rejects a provider call timeout that outlives the queue visibility timeout (double processing)', () => {
    expect(() =>
      readConfig(fromContext({ llmTimeoutSeconds: String(jobsQueue.visibilityTimeoutSeconds) })),
    ).toThrow(/visibility timeout/);
  });

  it('caps the synchronous wait at 25 s so API Gateway (29 s) never cuts a waiting request', () => {
    expect(() =>
      readConfig(fromContext({ syncWaitSeconds: String(MAX_SYNC_WAIT_SECONDS + 1) })),
    ).toThrow(/syncWaitSeconds/);
  });

  it('reports every invalid value at once, by name', () => {
    const attempt = () =>
      readConfig(
        fromContext({ env: 'Prod!', imageTag: 'has space', llmProviders: 'openai,claude' }),
      );
    expect(attempt).toThrow(InfraConfigError);
    expect(attempt).toThrow(/env:[\s\S]*imageTag:[\s\S]*unknown provider "claude"/);
  });

  it('accepts only retention periods CloudWatch Logs supports', () => {
    expect(() => readConfig(fromContext({ logRetentionDays: '45' }))).toThrow(/logRetentionDays/);
    expect(readConfig(fromContext({ logRetentionDays: '90' })).logRetention).toBe(
      RetentionDays.THREE_MONTHS,
    );
  });

  it('runs the dev environment on the lean development profile and every other on production', () => {
    const subscriber = { alarmEmail: 'oncall@example.com' };
    expect(readConfig(fromContext({ env: 'dev' })).profile).toBe('development');
    expect(readConfig(fromContext({ env: 'prod', ...subscriber })).profile).toBe('production');
    expect(
      readConfig(fromContext({ env: 'dev', profile: 'production', ...subscriber })).profile,
    ).toBe('production');
    expect(() => readConfig(fromContext({ profile: 'cheap' }))).toThrow(/profile/);
  });

  it('refuses the production profile without an alarm subscriber, naming the context key', () => {
    expect(() => readConfig(fromContext({ env: 'prod' }))).toThrow(
      /alarmEmail: required on the production profile \(-c alarmEmail=<address>\)/,
    );
    expect(readConfig(fromContext({ env: 'dev' })).alarmEmail).toBeUndefined();
  });

  it('gives production a NAT per AZ and development public-subnet egress, each overridable', () => {
    const prod = readConfig(fromContext({ env: 'prod', alarmEmail: 'a@example.com' }));
    expect(prod.network).toMatchObject({ egress: 'nat', natGateways: 2, sqsEndpoint: false });
    expect(readConfig(fromContext({})).network).toMatchObject({ egress: 'public', natGateways: 0 });
    expect(readConfig(fromContext({ egress: 'nat' })).network).toMatchObject({
      egress: 'nat',
      natGateways: 1,
    });
    expect(() => readConfig(fromContext({ egress: 'wifi' }))).toThrow(/egress/);
    expect(() => readConfig(fromContext({ natGateways: '2' }))).toThrow(
      /natGateways: only with egress=nat/,
    );
  });

  it('lets an explicit context key win over its profile default', () => {
    const config = readConfig(fromContext({ profile: 'development', apiDesiredCount: '2' }));
    expect(config.api.desiredCount).toBe(2);
    expect(config.api.cpu).toBe(256);
  });

  it("derives the worker's backlog target from its concurrency and the sync wait budget", () => {
    // 10 jobs at once, 8 s a job, 20 s to answer: a job may wait 1.5 rounds, 15 messages.
    expect(readConfig(fromContext({})).worker.backlogPerTaskTarget).toBe(15);
    expect(readConfig(fromContext({ workerConcurrency: '20' })).worker.backlogPerTaskTarget).toBe(
      30,
    );
    expect(readConfig(fromContext({ syncWaitSeconds: '12' })).worker.backlogPerTaskTarget).toBe(5);
  });

  it('budgets the backlog on half the job deadline when nobody waits synchronously', () => {
    expect(
      backlogPerTaskTarget({
        workerConcurrency: 10,
        syncWaitSeconds: 0,
        jobDeadlineSeconds: 300,
        jobSeconds: 10,
      }),
    ).toBe(140);
  });

  it('never lets the derived backlog target fall below one message per task', () => {
    expect(
      backlogPerTaskTarget({
        workerConcurrency: 4,
        syncWaitSeconds: 5,
        jobDeadlineSeconds: 300,
        jobSeconds: 30,
      }),
    ).toBe(1);
  });
});
