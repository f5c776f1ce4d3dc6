import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { acknowledge } from '../../nag.js';

/** The AWS Distro for OpenTelemetry collector, pinned. */
export const TRACE_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3';
/** Where the app sends its spans (OTEL_EXPORTER_OTLP_ENDPOINT): the sidecar, in the same task. */
export const TRACE_COLLECTOR_ENDPOINT = 'http://127.0.0.1:4318';

/**
 * The collector's whole configuration: OTLP over HTTP on the task's loopback only, batched, to
 * X-Ray. Nothing else: metrics reach CloudWatch as embedded metric format in the logs.
 */
const COLLECTOR_CONFIG = `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:4318
processors:
  batch: {}
exporters:
  awsxray: {}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [awsxray]
`;

/**
 * An ADOT collector sidecar in a service's task: the app exports its spans to it over OTLP
 * (shared/src/tracing.ts) and it sends them to X-Ray. Not essential: if it stops, the app goes on
 * answering and only traces are lost.
 */
export function addTraceCollector(
  taskDefinition: ecs.FargateTaskDefinition,
  logGroup: logs.ILogGroup,
): ecs.ContainerDefinition {
  const collector = taskDefinition.addContainer('otel-collector', {
    image: ecs.ContainerImage.fromRegistry(TRACE_COLLECTOR_IMAGE),
    essential: false,
    readonlyRootFilesystem: true,
    memoryReservationMiB: 64,
    environment: { AOT_CONFIG_CONTENT: COLLECTOR_CONFIG },
    logging: ecs.LogDrivers.awsLogs({
      logGroup,
      streamPrefix: 'otel-collector',
      mode: ecs.AwsLogDriverMode.NON_BLOCKING,
    }),
  });
  // X-Ray's write actions have no resource-level permissions: `*` is the only resource.
  const policy = new iam.Policy(taskDefinition, 'TraceWrites', {
    statements: [
      new iam.PolicyStatement({
        sid: 'XRayTraceWrites',
        actions: [
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
        ],
        resources: ['*'],
      }),
    ],
  });
  policy.attachToRole(taskDefinition.taskRole);
  acknowledge(policy, {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'X-Ray PutTraceSegments, PutTelemetryRecords and the sampling reads support no resource-level ' +
      'permissions; the statement grants only those four actions to the task that sends its traces.',
  });
  return collector;
}
