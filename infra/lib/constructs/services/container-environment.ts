import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { AppSettings } from '../../config.js';
import { TRACE_COLLECTOR_ENDPOINT } from './trace-collector.js';

export interface ContainerEnvironmentProps {
  readonly region: string;
  readonly app: AppSettings;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly table: dynamodb.ITable;
  /** The job events channel (ElastiCache Serverless for Valkey): `rediss://host:port`. */
  readonly redisUrl: string;
  /** Where the services' metrics go in CloudWatch (the alarms read them there). */
  readonly metricNamespace: string;
}

/**
 * The plain environment both services read (shared/src/config.ts parses it). Only
 * non-secret values belong here: the provider keys reach the worker as ECS secrets.
 */
export function containerEnvironment(props: ContainerEnvironmentProps): Record<string, string> {
  const { app } = props;
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: app.logLevel,
    AWS_REGION: props.region,
    JOBS_QUEUE_URL: props.queue.queueUrl,
    JOBS_DLQ_URL: props.deadLetterQueue.queueUrl,
    JOBS_TABLE_NAME: props.table.tableName,
    REDIS_URL: props.redisUrl,
    // ElastiCache Serverless is a cluster behind its endpoint: the client routes keys by slot.
    REDIS_CLUSTER: 'true',
    JOB_TTL_DAYS: String(app.jobTtlDays),
    JOB_DEADLINE_SECONDS: String(app.jobDeadlineSeconds),
    SYNC_WAIT_SECONDS: String(app.syncWaitSeconds),
    WORKER_CONCURRENCY: String(app.workerConcurrency),
    LLM_PROVIDERS: app.llmProviders,
    OPENAI_MODEL: app.openaiModel,
    HF_MODEL: app.hfModel,
    LLM_TIMEOUT_SECONDS: String(app.llmTimeoutSeconds),
    // Metrics to CloudWatch as embedded metric format on stdout; spans to the task's collector.
    CLOUDWATCH_METRICS_NAMESPACE: props.metricNamespace,
    OTEL_EXPORTER_OTLP_ENDPOINT: TRACE_COLLECTOR_ENDPOINT,
  };
}
