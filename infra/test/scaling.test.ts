import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { onlyResource, serviceOf, synthesize, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize({ apiDesiredCount: '2', apiMaxCount: '8', workerMaxCount: '12' });
});

const scalableTargetOf = (container: 'api' | 'worker') =>
  onlyResource(app.template, 'AWS::ApplicationAutoScaling::ScalableTarget', {
    Properties: {
      ResourceId: {
        'Fn::Join': [
          '',
          Match.arrayWith([{ 'Fn::GetAtt': [serviceOf(app.template, container).id, 'Name'] }]),
        ],
      },
    },
  });
const policiesOf = (targetId: string) =>
  Object.values(
    app.template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
      Properties: { ScalingTargetId: { Ref: targetId } },
    }),
  ).map((policy) => policy.Properties);

describe('api scaling', () => {
  it('keeps the configured floor and ceiling of tasks', () => {
    const { resource } = scalableTargetOf('api');
    expect(resource.Properties).toMatchObject({
      MinCapacity: 2,
      MaxCapacity: 8,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
  });

  it('tracks CPU, the limit for request validation and JSON work', () => {
    const policies = policiesOf(scalableTargetOf('api').id);
    expect(policies).toContainEqual(
      expect.objectContaining({
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: expect.objectContaining({
          PredefinedMetricSpecification: {
            PredefinedMetricType: 'ECSServiceAverageCPUUtilization',
          },
        }),
      }),
    );
  });

  it('tracks ALB requests per task, the limit for requests held open while waiting for answers', () => {
    const policies = policiesOf(scalableTargetOf('api').id);
    expect(policies).toContainEqual(
      expect.objectContaining({
        TargetTrackingScalingPolicyConfiguration: expect.objectContaining({
          PredefinedMetricSpecification: expect.objectContaining({
            PredefinedMetricType: 'ALBRequestCountPerTarget',
          }),
        }),
      }),
    );
  });
});

describe('worker scaling', () => {
  it('never goes below one task, so queued jobs always have a consumer', () => {
    const { resource } = scalableTargetOf('worker');
    expect(resource.Properties.MinCapacity).toBeGreaterThanOrEqual(1);
    expect(resource.Properties.MaxCapacity).toBe(12);
  });

  it('tracks backlog per task: visible messages divided by running tasks', () => {
    const [policy] = policiesOf(scalableTargetOf('worker').id);
    const metrics = (
      policy?.TargetTrackingScalingPolicyConfiguration as {
        CustomizedMetricSpecification: {
          Metrics: { Id: string; Expression?: string; ReturnData: boolean; MetricStat?: unknown }[];
        };
      }
    ).CustomizedMetricSpecification.Metrics;
    const byId = Object.fromEntries(metrics.map((m) => [m.Id, m]));
    expect(JSON.stringify(byId.backlog?.MetricStat)).toContain(
      'ApproximateNumberOfMessagesVisible',
    );
    expect(JSON.stringify(byId.tasks?.MetricStat)).toContain('RunningTaskCount');
    const returned = metrics.filter((m) => m.ReturnData);
    expect(returned).toHaveLength(1);
    expect(returned[0]?.Expression).toContain('backlog / tasks');
  });

  it('measures the backlog of the jobs queue, not the dead-letter queue', () => {
    const [policy] = policiesOf(scalableTargetOf('worker').id);
    const queueId = onlyResource(app.template, 'AWS::SQS::Queue', {
      Properties: { RedrivePolicy: Match.anyValue() },
    }).id;
    expect(JSON.stringify(policy)).toContain(
      JSON.stringify({ 'Fn::GetAtt': [queueId, 'QueueName'] }),
    );
  });

  it('holds the configured backlog per task', () => {
    const [policy] = policiesOf(scalableTargetOf('worker').id);
    expect(policy?.TargetTrackingScalingPolicyConfiguration).toMatchObject({
      TargetValue: app.config.worker.backlogPerTaskTarget,
    });
  });

  it('holds a backlog derived from concurrency, so a task with more slots may queue more jobs', () => {
    const wider = synthesize({ workerConcurrency: '20' });
    const target = onlyResource(wider.template, 'AWS::ApplicationAutoScaling::ScalingPolicy', {
      Properties: { PolicyName: Match.stringLikeRegexp('worker-backlog-per-task$') },
    }).resource.Properties.TargetTrackingScalingPolicyConfiguration as { TargetValue: number };
    // 20 slots, 8 s a job, 20 s to answer: 1.5 rounds of waiting, 30 messages.
    expect(target.TargetValue).toBe(30);
  });

  it('scales in slowly: protected tasks finish their jobs before ECS may stop them', () => {
    const [policy] = policiesOf(scalableTargetOf('worker').id);
    const configuration = policy?.TargetTrackingScalingPolicyConfiguration as {
      ScaleInCooldown: number;
      ScaleOutCooldown: number;
      DisableScaleIn?: boolean;
    };
    expect(configuration.DisableScaleIn).not.toBe(true);
    expect(configuration.ScaleInCooldown).toBeGreaterThan(configuration.ScaleOutCooldown);
  });
});
