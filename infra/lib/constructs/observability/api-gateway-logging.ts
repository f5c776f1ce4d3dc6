import { Fn, RemovalPolicy, type CfnResource } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../../nag.js';

export interface ApiGatewayExecutionLogsProps {
  readonly api: apigw.RestApi;
  /** The stage's name, as a literal: the group's name must not wait on the stage it serves. */
  readonly stageName: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The group API Gateway writes a stage's execution logs to. API Gateway creates it on first use,
 * named after the API and stage, with no retention; created here under that exact name, before
 * the stage, it is the stack's, with the stack's retention. (A group API Gateway already made must
 * be deleted, or imported into the stack, before the first deploy that adds this.)
 *
 * It also takes the per-API copy of the account-wide logging role out of the stack (see
 * ApiGatewayAccountLogging): the role and `AWS::ApiGateway::Account` that `cloudWatchRole: true`
 * adds, and the stage's wait on them. Once the RestApi is built with `cloudWatchRole: false`,
 * that part finds nothing to remove.
 */
export class ApiGatewayExecutionLogs extends Construct {
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiGatewayExecutionLogsProps) {
    super(scope, id);
    props.api.node.tryRemoveChild('Account');
    props.api.node.tryRemoveChild('CloudWatchRole');

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: Fn.join('', [
        'API-Gateway-Execution-Logs_',
        props.api.restApiId,
        '/',
        props.stageName,
      ]),
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    // The stage waits for the group (and no longer for the removed Account resource).
    const stage = props.api.deploymentStage.node.defaultChild as CfnResource;
    stage.addOverride('DependsOn', [(this.logGroup.node.defaultChild as CfnResource).logicalId]);
  }
}

/**
 * API Gateway's CloudWatch role is one setting per account and region (`AWS::ApiGateway::Account`):
 * when each environment's stack sets it, the last deploy wins and deleting any of them can leave
 * the account pointing at a role that is gone. It is created once, by the `IsCoolGpt-Account`
 * stack (lib/account-stack.ts), deployed once per account and region before any environment.
 */
export class ApiGatewayAccountLogging extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'CloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway pushes execution and access logs to CloudWatch Logs (account-wide)',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName(
          'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
        ),
      ],
    });
    new apigw.CfnAccount(this, 'Account', {
      cloudWatchRoleArn: this.role.roleArn,
    });
    acknowledge(this.role, {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level logging role: AWS maintains this policy for exactly this " +
        'purpose, and API Gateway needs it to write the access and execution logs.',
    });
  }
}
