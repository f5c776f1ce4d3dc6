import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultResourceNames, EMF_METRICS } from '../lib/shared-resources.js';
import {
  allowedActions,
  onlyResource,
  rolesOf,
  serviceOf,
  statementsOfRole,
  synthesize,
  taskDefinitionOf,
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

const topicRef = () => ({ Ref: onlyResource(app.template, 'AWS::SNS::Topic').id });
/** Alarms that page someone (their action is the topic), not the worker's scaling alarms. */
const pagingAlarms = () =>
  alarms().filter((alarm) =>
    JSON.stringify(alarm.AlarmActions).includes(JSON.stringify(topicRef())),
  );
const pagingAlarmOn = (metricName: string, dimension?: unknown) => {
  const found = pagingAlarms().filter(
    (alarm) =>
      alarm.MetricName === metricName &&
      (dimension === undefined ||
        JSON.stringify(alarm.Dimensions).includes(JSON.stringify(dimension))),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
};
/** The paging alarm whose metric math reads `metricName`. */
const mathAlarmOn = (metricName: string) => {
  const found = pagingAlarms().filter((a) => JSON.stringify(a.Metrics ?? []).includes(metricName));
  expect(found).toHaveLength(1);
  return found[0]!;
};
const expressionOf = (alarm: AlarmProperties) =>
  alarm.Metrics?.find((m) => m.Expression)?.Expression;
const metricFilters = () =>
  Object.values(app.template.findResources('AWS::Logs::MetricFilter')).map(
    (filter) =>
      filter.Properties as {
        FilterPattern: string;
        LogGroupName: unknown;
        MetricTransformations: {
          MetricName: string;
          MetricNamespace: string;
          Dimensions?: { Key: string; Value: string }[];
        }[];
      },
  );

describe('alarms', () => {
  it('fire on the first message to reach the dead-letter queue (the worker drains it at once)', () => {
    const alarm = pagingAlarmOn('NumberOfMessagesReceived', {
      'Fn::GetAtt': [queueId(defaultResourceNames.deadLetterQueue), 'QueueName'],
    });
    expect(alarm.Threshold).toBe(1);
    expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
  });

  it('fire when messages stay in the dead-letter queue (consumer down, or a poison message)', () => {
    const alarm = mathAlarmOn('ApproximateNumberOfMessagesNotVisible');
    expect(expressionOf(alarm)).toBe('visible + inFlight');
    expect(JSON.stringify(alarm.Metrics)).toContain(queueId(defaultResourceNames.deadLetterQueue));
    expect(alarm.Threshold).toBe(1);
  });

  it('fire when the oldest queued job has waited half its deadline', () => {
    const alarm = pagingAlarmOn('ApproximateAgeOfOldestMessage');
    expect(alarm.Threshold).toBe(app.config.app.jobDeadlineSeconds / 2);
    expect(JSON.stringify(alarm.Dimensions)).toContain(queueId(defaultResourceNames.queue));
  });

  it('fire when the backlog exceeds what the worker holds at its maximum size', () => {
    const alarm = pagingAlarmOn('ApproximateNumberOfMessagesVisible', {
      'Fn::GetAtt': [queueId(defaultResourceNames.queue), 'QueueName'],
    });
    expect(alarm.Threshold).toBe(
      app.config.worker.backlogPerTaskTarget * app.config.worker.maxCount,
    );
  });

  it('fire on the API Gateway 5xx rate (includes 504s when the api overruns 29 s)', () => {
    const alarm = pagingAlarmOn('5XXError');
    expect(alarm.Namespace).toBe('AWS/ApiGateway');
    expect(alarm.Threshold).toBeGreaterThan(0);
    expect(alarm.Threshold).toBeLessThan(1);
  });

  it('fire on the rate of 5xx the api tasks return to the ALB, from the first request', () => {
    const alarm = mathAlarmOn('HTTPCode_Target_5XX_Count');
    expect(expressionOf(alarm)).toBe('IF(requests > 0, FILL(part, 0) / requests, 0)');
  });

  it('fire on the 4xx rate at API Gateway, once there are enough requests to make a rate', () => {
    const alarm = mathAlarmOn('4XXError');
    expect(expressionOf(alarm)).toMatch(/^IF\(requests >= \d+, FILL\(part, 0\) \/ requests, 0\)$/);
    expect(JSON.stringify(alarm.Metrics)).toContain('"MetricName":"Count"');
    expect(alarm.Threshold).toBeGreaterThan(0);
    expect(alarm.Threshold).toBeLessThan(1);
  });

  it('count 429s in the access log (API Gateway has no metric for them) and fire on their rate', () => {
    const accessLogs = onlyResource(app.template, 'AWS::ApiGateway::Stage').resource.Properties
      .AccessLogSetting as { DestinationArn: { 'Fn::GetAtt': [string, string] } };
    const filter = metricFilters().find((f) => f.FilterPattern === '{ $.status = "429" }');
    expect(filter?.LogGroupName).toEqual({ Ref: accessLogs.DestinationArn['Fn::GetAtt'][0] });
    const metricName = filter!.MetricTransformations[0]!.MetricName;
    const alarm = mathAlarmOn(metricName);
    expect(alarm.Threshold).toBeGreaterThan(0);
    expect(alarm.Threshold).toBeLessThan(1);
  });

  it('fire when an api task fails the ALB health check', () => {
    expect(pagingAlarmOn('UnHealthyHostCount').Threshold).toBe(0);
  });

  it('fire when fewer api tasks are healthy than the floor, including none at all', () => {
    expect(pagingAlarmOn('HealthyHostCount')).toMatchObject({
      Namespace: 'AWS/ApplicationELB',
      Threshold: app.config.api.desiredCount,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('fire when the job events cache throttles commands (its ECPU ceiling reached)', () => {
    const cache = onlyResource(app.template, 'AWS::ElastiCache::ServerlessCache').resource;
    const alarm = pagingAlarmOn('ThrottledCmds', {
      Name: 'clusterId',
      Value: cache.Properties.ServerlessCacheName,
    });
    expect(alarm).toMatchObject({ Namespace: 'AWS/ElastiCache', Threshold: 1 });
  });

  it('fire when the jobs table throttles reads or writes', () => {
    const alarm = mathAlarmOn('WriteThrottleEvents');
    expect(JSON.stringify(alarm.Metrics)).toContain('ReadThrottleEvents');
    const tableId = onlyResource(app.template, 'AWS::DynamoDB::Table').id;
    expect(JSON.stringify(alarm.Metrics)).toContain(JSON.stringify({ Ref: tableId }));
  });

  it('all page through the alarm topic, on alarm and on recovery', () => {
    expect(pagingAlarms()).toHaveLength(18);
    for (const alarm of pagingAlarms()) {
      expect((alarm as AlarmProperties & { OKActions: unknown[] }).OKActions).toEqual([topicRef()]);
    }
  });

  it('page nobody for the scaling alarms, which act on the worker count only', () => {
    const scaling = alarms().filter((alarm) => !pagingAlarms().includes(alarm));
    expect(scaling).toHaveLength(2);
    for (const alarm of scaling) {
      const [action] = alarm.AlarmActions as { Ref: string }[];
      expect(app.template.toJSON().Resources[action!.Ref].Type).toBe(
        'AWS::ApplicationAutoScaling::ScalingPolicy',
      );
    }
  });
});

describe('failed jobs by error code', () => {
  it("are counted from the services' embedded metric format, not from log lines: no metric filter counts jobs", () => {
    const jobFilters = metricFilters().filter((f) =>
      [EMF_METRICS.jobsFailed, EMF_METRICS.jobsSettled].includes(
        f.MetricTransformations[0]!.MetricName as never,
      ),
    );
    expect(jobFilters).toEqual([]);
    const alarm = pagingAlarmOn(EMF_METRICS.jobsFailed, {
      Name: 'ErrorCode',
      Value: 'provider_auth',
    });
    // Per environment, so two environments in one account never add up; the namespace both
    // services write to (CLOUDWATCH_METRICS_NAMESPACE).
    expect(alarm.Namespace).toBe(`IsCoolGPT/${TEST_CONTEXT.env}`);
    for (const service of ['api', 'worker'] as const) {
      const { container } = rolesOf(app.template, service);
      expect(container.Environment).toContainEqual({
        Name: 'CLOUDWATCH_METRICS_NAMESPACE',
        Value: `IsCoolGPT/${TEST_CONTEXT.env}`,
      });
    }
  });

  it('page at the first job failed because a provider rejected its key (provider_auth)', () => {
    const alarm = pagingAlarmOn('JobsFailed', { Name: 'ErrorCode', Value: 'provider_auth' });
    expect(alarm).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect((alarm as AlarmProperties & { EvaluationPeriods: number }).EvaluationPeriods).toBe(1);
    // The text says what to do, naming the keys.
    expect((alarm as AlarmProperties & { AlarmDescription: string }).AlarmDescription).toMatch(
      /OPENAI_API_KEY[\s\S]*put-secret-value/,
    );
  });

  it('page on the codes that need a person too: a provider without a key, a provider out of quota', () => {
    for (const code of ['provider_not_configured', 'provider_rate_limited']) {
      pagingAlarmOn('JobsFailed', { Name: 'ErrorCode', Value: code });
    }
  });

  it('page when failures of any code become a share of the settled jobs', () => {
    const alarm = mathAlarmOn('JobsSettled');
    expect(expressionOf(alarm)).toMatch(/FILL\(failed, 0\) \/ settled/);
  });
});

describe("alarms on the services' own metrics", () => {
  it('page when students wait: the p95 time from the ask to the first delta above 15 s', () => {
    const alarm = pagingAlarmOn(EMF_METRICS.timeToFirstDelta) as AlarmProperties & {
      ExtendedStatistic: string;
      DatapointsToAlarm: number;
    };
    expect(alarm).toMatchObject({
      Namespace: `IsCoolGPT/${TEST_CONTEXT.env}`,
      ExtendedStatistic: 'p95',
      Threshold: 15,
      ComparisonOperator: 'GreaterThanThreshold',
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
  });

  it('page when the model calls of one hour cost more than $5 by the price table', () => {
    const alarm = pagingAlarmOn(EMF_METRICS.costUsd) as AlarmProperties & {
      Period: number;
      Statistic: string;
    };
    expect(alarm).toMatchObject({
      Namespace: `IsCoolGPT/${TEST_CONTEXT.env}`,
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 5,
    });
    // The total, not one model's share.
    expect(alarm.Dimensions).toBeUndefined();
  });
});

describe('ECS service events', () => {
  it("send ECS's warnings and errors about either service to the alarm topic (tasks that cannot start, failed deployments)", () => {
    const { resource } = onlyResource(app.template, 'AWS::Events::Rule');
    expect(resource.Properties.EventPattern).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Service Action', 'ECS Deployment State Change'],
      resources: [
        { Ref: serviceOf(app.template, 'api').id },
        { Ref: serviceOf(app.template, 'worker').id },
      ],
      detail: { eventType: ['WARN', 'ERROR'] },
    });
    expect(resource.Properties.Targets).toEqual([expect.objectContaining({ Arn: topicRef() })]);
  });

  it('may publish to the alarm topic', () => {
    app.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
  });
});

describe('alarm subscriber', () => {
  it('is required on the production profile: synth fails naming the context key', () => {
    expect(() => synthesize({ alarmEmail: '' })).toThrow(/alarmEmail: required on the production/);
  });

  it('may be left out on the development profile', () => {
    const dev = synthesize({ alarmEmail: '', profile: 'development' });
    dev.template.resourceCountIs('AWS::SNS::Subscription', 0);
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
      'HealthyHostCount',
      '5XXError',
      'TargetResponseTime',
    ]) {
      expect(body).toContain(metric);
    }
  });

  it("shows the services' own figures: cost per hour and per model, failed jobs by code, time to first delta, quota refusals, 4xx/429 rates", () => {
    const widgets = dashboardWidgets();
    const namespace = `IsCoolGPT/${TEST_CONTEXT.env}`;
    const titled = (start: string) => {
      const found = widgets.find((widget) => widget.properties.title?.startsWith(start));
      expect(found, start).toBeDefined();
      return JSON.stringify(found!.properties.metrics);
    };
    // Per-dimension series by SEARCH: every error code, model and limit that occurs, none listed.
    const search = (dimension: string, metric: string, period: number) =>
      JSON.stringify(
        `SEARCH('{${namespace},${dimension}} MetricName="${metric}"', 'Sum', ${period})`,
      );
    const cost = titled('Model cost per hour');
    expect(cost).toContain(
      JSON.stringify([
        namespace,
        EMF_METRICS.costUsd,
        { label: 'USD per hour', period: 3600, stat: 'Sum' },
      ]),
    );
    expect(cost).toContain(search('Model', EMF_METRICS.costUsd, 3600));
    expect(titled('Failed jobs by error code')).toContain(
      search('ErrorCode', EMF_METRICS.jobsFailed, 300),
    );
    expect(titled('Time to the first delta')).toContain(
      JSON.stringify([
        namespace,
        EMF_METRICS.timeToFirstDelta,
        { label: 'p95', period: 60, stat: 'p95' },
      ]),
    );
    const quota = titled('Quota refusals');
    expect(quota).toContain(search('Code', EMF_METRICS.quotaDenied, 300));
    expect(quota).toContain(EMF_METRICS.quotaUnchecked);
    const edge = titled('4xx and 429 rate');
    expect(edge).toContain('4XXError');
    expect(edge).toContain(JSON.stringify([namespace, 'ThrottledRequests']).slice(1, -1));
  });
});

interface DashboardWidget {
  properties: { title?: string; metrics?: unknown[] };
}
/** The dashboard's widgets, its body's tokens (region, ids) read as placeholders. */
function dashboardWidgets(): DashboardWidget[] {
  const { resource } = onlyResource(app.template, 'AWS::CloudWatch::Dashboard');
  const body = resource.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return (JSON.parse(text) as { widgets: DashboardWidget[] }).widgets;
}

describe('trace collector', () => {
  const collectorOf = (service: 'api' | 'worker') =>
    taskDefinitionOf(app.template, service).definitions.find(
      (definition) => definition.Name === 'otel-collector',
    );

  it('runs beside each service, pinned, and not essential: if it stops, the service goes on answering', () => {
    for (const service of ['api', 'worker'] as const) {
      const collector = collectorOf(service);
      expect(collector).toBeDefined();
      expect(collector!.Image).toMatch(
        /^public\.ecr\.aws\/aws-observability\/aws-otel-collector:v\d+\.\d+\.\d+$/,
      );
      expect(collector).toMatchObject({ Essential: false, ReadonlyRootFilesystem: true });
    }
  });

  it('receives OTLP over HTTP on the loopback only and sends traces to X-Ray', () => {
    const environment = collectorOf('worker')!.Environment as { Name: string; Value: string }[];
    const config = environment.find((e) => e.Name === 'AOT_CONFIG_CONTENT')!.Value;
    expect(config).toMatch(/otlp:\s+protocols:\s+http:\s+endpoint: 127\.0\.0\.1:4318/);
    expect(config).toMatch(/exporters: \[awsxray\]/);
    expect(config).not.toContain('0.0.0.0');
  });

  it('is where each service sends its spans (OTEL_EXPORTER_OTLP_ENDPOINT in the task)', () => {
    for (const service of ['api', 'worker'] as const) {
      expect(rolesOf(app.template, service).container.Environment).toContainEqual({
        Name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
        Value: 'http://127.0.0.1:4318',
      });
    }
  });

  it('may write traces to X-Ray and nothing more', () => {
    for (const service of ['api', 'worker'] as const) {
      const statements = statementsOfRole(app.template, rolesOf(app.template, service).taskRole);
      const xray = allowedActions(statements).filter((action) => action.startsWith('xray:'));
      expect(xray.sort()).toEqual([
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
  });
});
