import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultResourceNames } from '../lib/shared-resources.js';
import {
  onlyResource,
  serviceOf,
  synthesize,
  TEST_CONTEXT,
  type Synthesized,
} from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize({ logRetentionDays: '14' });
});

interface AlarmProperties {
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: { Id: string; Expression?: string; MetricStat?: unknown }[];
  Threshold: number;
  ComparisonOperator: string;
  AlarmActions: unknown[];
  TreatMissingData?: string;
}
const alarms = () =>
  Object.values(app.template.findResources('AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties as AlarmProperties,
  );
const alarmOn = (metricName: string, dimension?: unknown) => {
  const found = alarms().filter(
    (alarm) =>
      alarm.MetricName === metricName &&
      (dimension === undefined ||
        JSON.stringify(alarm.Dimensions).includes(JSON.stringify(dimension))),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
};
const queueId = (name: string) =>
  onlyResource(app.template, 'AWS::SQS::Queue', {
    Properties: { QueueName: `${TEST_CONTEXT.env}-${name}` },
  }).id;

describe('log groups', () => {
  it('keep every log (api, worker, API Gateway access and execution, VPC flows) for a bounded retention', () => {
    const groups = Object.values(app.template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(5);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(14);
  });

  it("own API Gateway's execution-log group (the name it writes to), instead of one it makes with no retention", () => {
    const apiId = onlyResource(app.template, 'AWS::ApiGateway::RestApi').id;
    app.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: {
        'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: apiId }, `/${TEST_CONTEXT.env}`]],
      },
      RetentionInDays: 14,
    });
  });

  it('create the execution-log group before the stage, so API Gateway never makes it first', () => {
    const group = onlyResource(app.template, 'AWS::Logs::LogGroup', {
      Properties: { LogGroupName: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
    }).id;
    const stage = onlyResource(app.template, 'AWS::ApiGateway::Stage').resource;
    expect(stage.DependsOn).toEqual([group]);
  });
});

describe("API Gateway's account-wide CloudWatch role", () => {
  it('is not set by an environment stack, where each environment would overwrite the others', () => {
    app.template.resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(
      Object.values(app.template.findResources('AWS::IAM::Role')).filter((role) =>
        JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('apigateway.'),
      ),
    ).toEqual([]);
  });

  it('is created once, by the account stack every environment shares', () => {
    const account = Template.fromStack(app.account);
    account.resourceCountIs('AWS::ApiGateway::Account', 1);
    account.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
      }),
    });
    expect(app.account.stackName).toBe('IsCoolGpt-Account');
  });
});

describe('alarms', () => {
  it('fire on the first message to reach the dead-letter queue (the worker drains it at once)', () => {
    const alarm = alarmOn('NumberOfMessagesReceived', {
      'Fn::GetAtt': [queueId(defaultResourceNames.deadLetterQueue), 'QueueName'],
    });
    expect(alarm.Threshold).toBe(1);
    expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
  });

  it('fire when messages stay in the dead-letter queue (consumer down, or a poison message)', () => {
    const alarm = alarms().find((a) =>
      JSON.stringify(a.Metrics ?? []).includes('ApproximateNumberOfMessagesNotVisible'),
    );
    expect(alarm?.Metrics?.find((m) => m.Expression)?.Expression).toBe('visible + inFlight');
    expect(JSON.stringify(alarm?.Metrics)).toContain(queueId(defaultResourceNames.deadLetterQueue));
    expect(alarm?.Threshold).toBe(1);
  });

  it('fire when the oldest queued job has waited half its deadline', () => {
    const alarm = alarmOn('ApproximateAgeOfOldestMessage');
    expect(alarm.Threshold).toBe(app.config.app.jobDeadlineSeconds / 2);
    expect(JSON.stringify(alarm.Dimensions)).toContain(queueId(defaultResourceNames.queue));
  });

  it('fire when the backlog exceeds what the worker holds at its maximum size', () => {
    const alarm = alarmOn('ApproximateNumberOfMessagesVisible', {
      'Fn::GetAtt': [queueId(defaultResourceNames.queue), 'QueueName'],
    });
    expect(alarm.Threshold).toBe(
      app.config.worker.backlogPerTaskTarget * app.config.worker.maxCount,
    );
  });

  it('fire on the API Gateway 5xx rate (includes 504s when the api overruns 29 s)', () => {
    const alarm = alarmOn('5XXError');
    expect(alarm.Namespace).toBe('AWS/ApiGateway');
    expect(alarm.Threshold).toBeGreaterThan(0);
    expect(alarm.Threshold).toBeLessThan(1);
  });

  it('fire on the rate of 5xx the api tasks return to the ALB', () => {
    const alarm = alarms().find((a) =>
      JSON.stringify(a.Metrics ?? []).includes('HTTPCode_Target_5XX_Count'),
    );
    expect(alarm?.Metrics?.find((m) => m.Expression)?.Expression).toContain('errors / requests');
  });

  it('fire when an api task fails the ALB health check', () => {
    expect(alarmOn('UnHealthyHostCount').Threshold).toBe(0);
  });

  it('fire when either service runs fewer tasks than its floor, including none at all', () => {
    for (const [container, floor] of [
      ['api', app.config.api.desiredCount],
      ['worker', app.config.worker.desiredCount],
    ] as const) {
      const alarm = alarmOn('RunningTaskCount', {
        'Fn::GetAtt': [serviceOf(app.template, container).id, 'Name'],
      });
      expect(alarm).toMatchObject({
        Namespace: 'ECS/ContainerInsights',
        Threshold: floor,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    }
  });

  it('all notify the alarm topic', () => {
    const topicId = onlyResource(app.template, 'AWS::SNS::Topic').id;
    expect(alarms()).toHaveLength(9);
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
  });
});

describe('alarm topic', () => {
  it('accepts publishes over TLS only', () => {
    app.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('e-mails the address given in context', () => {
    app.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: TEST_CONTEXT.alarmEmail,
    });
  });
});

describe('dashboard', () => {
  it('shows the queue, the fleet, the edge and the alarms on one page', () => {
    const { resource } = onlyResource(app.template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(resource.Properties.DashboardBody);
    for (const metric of [
      'ApproximateNumberOfMessagesVisible',
      'RunningTaskCount',
      '5XXError',
      'TargetResponseTime',
    ]) {
      expect(body).toContain(metric);
    }
  });
});
