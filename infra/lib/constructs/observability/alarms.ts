import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { JobEventsCache } from '../cache/job-events-cache.js';
import { metricNamespace } from './alarm-kit.js';
import { capacityAlarms } from './capacity-alarms.js';
import { edgeAlarms } from './edge-alarms.js';
import { jobAlarms } from './job-alarms.js';
import { queueAlarms } from './queue-alarms.js';
import { ServiceEvents } from './service-events.js';

export interface ServiceAlarmsProps {
  readonly envName: string;
  readonly apiService: ecs.FargateService;
  readonly apiMinTasks: number;
  readonly workerService: ecs.FargateService;
  /** Secret variables of the providers in the chain, named where a key must be replaced. */
  readonly providerKeyVariables: string[];
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly table: dynamodb.ITable;
  readonly eventsCache: JobEventsCache;
  readonly api: apigw.RestApi;
  readonly accessLogGroup: logs.ILogGroup;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** A job older than this is about to miss its deadline: alarm at half of JOB_DEADLINE_SECONDS. */
  readonly jobDeadlineSeconds: number;
  /** Backlog at which the worker, even at its maximum size, is falling behind. */
  readonly backlogAlarmThreshold: number;
  /** Subscribed to the topic; config.ts requires it on the production profile. */
  readonly alarmEmail: string | undefined;
}

/**
 * Everything that pages someone, through one SNS topic (an e-mail subscription when configured,
 * required in production): jobs not answered (queue-alarms), clients seeing errors (edge-alarms),
 * jobs failing by error code (job-alarms), stores refusing work (capacity-alarms), and ECS's own
 * warnings about the services (service-events).
 */
export class ServiceAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
  /**
   * The 5xx alarms an api deployment rolls back on. Named literally: a service that lists an
   * alarm by its generated name (a Ref) would wait on the alarm, which may wait on the service.
   */
  readonly deploymentAlarmNames: string[];
  readonly serviceEvents: ServiceEvents;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const namespace = metricNamespace(props.envName);

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `iscoolgpt-${props.envName}-alarms`,
      displayName: `IsCoolGPT ${props.envName} alarms`,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    const notify = new cwActions.SnsAction(this.topic);
    const add = (name: string, alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      this.alarms[name] = alarm;
    };

    queueAlarms(this, add, props);
    this.deploymentAlarmNames = edgeAlarms(this, add, { ...props, metricNamespace: namespace });
    jobAlarms(this, add, {
      metricNamespace: namespace,
      keyVariables: props.providerKeyVariables,
    });
    capacityAlarms(this, add, props);
    this.serviceEvents = new ServiceEvents(this, 'ServiceEvents', {
      envName: props.envName,
      services: [props.apiService, props.workerService],
      topic: this.topic,
    });
  }
}
