import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApiGatewayAccountLogging } from './constructs/observability/api-gateway-logging.js';

/**
 * Settings that exist once per AWS account and region, whatever the number of environments:
 * API Gateway's CloudWatch logging role. Deployed once (`cdk deploy IsCoolGpt-Account`), before
 * the first environment, and left alone after.
 */
export class AccountStack extends Stack {
  readonly apiGatewayLogging: ApiGatewayAccountLogging;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.apiGatewayLogging = new ApiGatewayAccountLogging(this, 'ApiGatewayLogging');
  }
}
