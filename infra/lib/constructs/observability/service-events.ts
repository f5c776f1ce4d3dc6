import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface ServiceEventsProps {
  readonly envName: string;
  readonly services: ecs.FargateService[];
  readonly topic: sns.ITopic;
}

/**
 * ECS's own warnings and errors about the services, sent to the alarm topic: a service that
 * cannot start tasks (`SERVICE_TASK_START_IMPAIRED`: an empty provider secret, a missing image, a
 * crash loop), cannot place them, or a deployment that failed. This is what watches the worker's
 * floor without Container Insights; EventBridge delivers AWS service events for free.
 */
export class ServiceEvents extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ServiceEventsProps) {
    super(scope, id);
    const field = (path: string) => events.EventField.fromPath(path);
    this.rule = new events.Rule(this, 'Rule', {
      description: `IsCoolGPT ${props.envName}: ECS service warnings and errors to the alarm topic`,
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Service Action', 'ECS Deployment State Change'],
        resources: props.services.map((service) => service.serviceArn),
        detail: { eventType: ['WARN', 'ERROR'] },
      },
      targets: [
        new targets.SnsTopic(props.topic, {
          message: events.RuleTargetInput.fromText(
            `IsCoolGPT ${props.envName}: ${field('$.detail.eventName')} (${field('$.detail.eventType')}) ` +
              `on ${field('$.resources[0]')}: ${field('$.detail.reason')}`,
          ),
        }),
      ],
    });
  }
}
