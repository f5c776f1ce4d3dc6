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
  interface StepPolicy {
    StepScalingPolicyConfiguration: {
      AdjustmentType: string;
      Cooldown: number;
      StepAdjustments: {
        ScalingAdjustment: number;
        MetricIntervalLowerBound?: number;
        MetricIntervalUpperBound?: number;
      }[];
    };
  }
  const workerPolicies = () =>
    Object.entries(
      app.template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
        Properties: { ScalingTargetId: { Ref: scalableTargetOf('worker').id } },
      }),
    ).map(([id, policy]) => ({ id, ...(policy.Properties as StepPolicy) }));
  const alarmOf = (policyId: string) =>
    Object.values(app.template.findResources('AWS::CloudWatch::Alarm')).find((alarm) =>
      JSON.stringify(alarm.Properties.AlarmActions).includes(JSON.stringify({ Ref: policyId })),
    )!.Properties as {
      MetricName: string;
      Dimensions: { Value: unknown }[];
      Threshold: number;
      ComparisonOperator: string;
      EvaluationPeriods: number;
      TreatMissingData: string;
    };
  const share = () => app.config.worker.backlogPerTaskTarget;
  const scaleOut = () =>
    workerPolicies().find((p) => alarmOf(p.id).ComparisonOperator.startsWith('GreaterThan'))!;
  const scaleIn = () =>
    workerPolicies().find((p) => alarmOf(p.id).ComparisonOperator.startsWith('LessThan'))!;
  /** The task count the scale-out policy sets for a backlog of `visible` messages. */
  const tasksFor = (visible: number) => {
    const relative = visible - alarmOf(scaleOut().id).Threshold;
    const step = scaleOut().StepScalingPolicyConfiguration.StepAdjustments.find(
      (s) =>
        (s.MetricIntervalLowerBound ?? -Infinity) <= relative &&
        relative < (s.MetricIntervalUpperBound ?? Infinity),
    );
    return step?.ScalingAdjustment;
  };

  it('never goes below one task, so queued jobs always have a consumer', () => {
    const { resource } = scalableTargetOf('worker');
    expect(resource.Properties.MinCapacity).toBeGreaterThanOrEqual(1);
    expect(resource.Properties.MaxCapacity).toBe(12);
  });

  it('reads the depth of the jobs queue alone (no running-task count, so no Container Insights)', () => {
    const queueId = onlyResource(app.template, 'AWS::SQS::Queue', {
      Properties: { RedrivePolicy: Match.anyValue() },
    }).id;
    for (const policy of [scaleOut(), scaleIn()]) {
      const alarm = alarmOf(policy.id);
      expect(alarm.MetricName).toBe('ApproximateNumberOfMessagesVisible');
      expect(alarm.Dimensions).toEqual([
        expect.objectContaining({ Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }),
      ]);
    }
    expect(JSON.stringify(app.template.toJSON())).not.toContain('RunningTaskCount');
  });

  it('runs one task per backlog share: ⌈visible messages ÷ backlog per task⌉ tasks', () => {
    expect(scaleOut().StepScalingPolicyConfiguration.AdjustmentType).toBe('ExactCapacity');
    expect(alarmOf(scaleOut().id).Threshold).toBe(share());
    expect(tasksFor(share())).toBe(2);
    expect(tasksFor(2 * share() - 1)).toBe(2);
    expect(tasksFor(2 * share())).toBe(3);
    expect(tasksFor(5 * share() + 1)).toBe(6);
  });

  it('stops at the ceiling however deep the backlog', () => {
    expect(tasksFor(1000 * share())).toBe(12);
  });

  it('holds a backlog derived from concurrency, so a task with more slots may queue more jobs', () => {
    const wider = synthesize({ workerConcurrency: '20' });
    // 20 slots, 8 s a job, 20 s to answer: 1.5 rounds of waiting, 30 messages.
    expect(wider.config.worker.backlogPerTaskTarget).toBe(30);
    wider.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 30,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('returns to the floor once the backlog stays below one share, slowly', () => {
    const policy = scaleIn();
    const alarm = alarmOf(policy.id);
    expect(policy.StepScalingPolicyConfiguration).toMatchObject({
      AdjustmentType: 'ExactCapacity',
      StepAdjustments: [
        expect.objectContaining({
          ScalingAdjustment: scalableTargetOf('worker').resource.Properties.MinCapacity,
        }),
      ],
    });
    expect(alarm.Threshold).toBe(share());
    // Ten quiet minutes, against two busy ones to scale out: protected tasks finish their jobs,
    // and a lull between two classes does not stop tasks the next one needs.
    expect(alarm.EvaluationPeriods).toBeGreaterThan(alarmOf(scaleOut().id).EvaluationPeriods);
    expect(policy.StepScalingPolicyConfiguration.Cooldown).toBeGreaterThan(
      scaleOut().StepScalingPolicyConfiguration.Cooldown,
    );
    // An idle queue stops reporting: no data means nothing waits.
    expect(alarm.TreatMissingData).toBe('breaching');
  });
});
