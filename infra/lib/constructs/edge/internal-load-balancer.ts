import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { API_CONTAINER_PORT } from '../../config.js';
import { acknowledge } from '../../nag.js';

export interface InternalLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  /** Subnets without a public address (the network's private subnets). */
  readonly subnets: ec2.SubnetSelection;
  /** Days ALB access logs are kept. */
  readonly accessLogDays?: number;
}

/** The listener port API Gateway's VPC link connects to. */
export const ALB_LISTENER_PORT = 80;

/**
 * An internal Application Load Balancer in the private subnets, in front of the api tasks. It
 * has no internet-facing address: its security group admits only the API Gateway VPC link
 * (RestApiGateway adds that rule), so every request has passed the usage plan and API keys.
 */
export class InternalLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: InternalLoadBalancerProps) {
    super(scope, id);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Internal ALB for the IsCoolGPT api: ingress only from the API Gateway VPC link',
      allowAllOutbound: false,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: false,
      vpcSubnets: props.subnets,
      securityGroup,
      dropInvalidHeaderFields: true,
      // Above the api's longest request (25 s) so a waiting request is never cut as idle.
      idleTimeout: Duration.seconds(60),
    });

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      // ALB log delivery supports only SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: false,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays ?? 90) }],
      // Kept on delete and replacement; removed only when the create that made it rolls back.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.loadBalancer.logAccessLogs(this.accessLogBucket, 'alb');
    acknowledge(this.accessLogBucket, {
      id: 'AwsSolutions-S1',
      reason:
        'This bucket only receives ALB access logs; server access logging on a log bucket would ' +
        'need yet another log bucket and records nothing but the ELB log-delivery writes.',
    });

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'ApiTargets', {
      vpc: props.vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: API_CONTAINER_PORT,
      // Drain long enough for an in-flight 25 s wait to finish before the task is stopped.
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: '/health',
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    this.listener = this.loadBalancer.addListener('Http', {
      port: ALB_LISTENER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      // No 0.0.0.0/0 rule: the VPC link security group is the only allowed source.
      open: false,
      defaultTargetGroups: [this.targetGroup],
    });
  }
}
