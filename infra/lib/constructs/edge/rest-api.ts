import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS } from '../../config.js';
import { acknowledge } from '../../nag.js';
import { ALB_LISTENER_PORT } from './internal-load-balancer.js';

export interface RestApiGatewayProps {
  readonly envName: string;
  readonly vpc: ec2.IVpc;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly corsAllowOrigins: string[];
  /** Per-API-key steady-state requests per second. */
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  /** Per-API-key requests per day. */
  readonly quotaPerDay: number;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Request headers the api reads besides the defaults: `Idempotency-Key` makes `POST /ask` safe to
 * retry, `Prefer: wait=N` / `respond-async` (RFC 7240) picks how long the request may wait.
 */
const EXTRA_CORS_HEADERS = ['Idempotency-Key', 'Prefer'];

/**
 * The public face of the service: an API Gateway REST API whose three routes proxy to the
 * internal ALB through a VPC link V2 (the private integration REST APIs gained for ALBs in
 * 2025), so no Network Load Balancer sits in between. `/api/v1/*` requires an API key and is
 * metered by a usage plan; `/health` is open for uptime checks.
 *
 * aws-cdk-lib has no L2 for the ALB target of a REST integration yet: the VPC link is the
 * apigatewayv2 L2, referenced by id as a REST VPC link, and each method's CloudFormation
 * `Integration.IntegrationTarget` is set to the ALB's ARN.
 */
export class RestApiGateway extends Construct {
  readonly api: apigw.RestApi;
  readonly vpcLink: apigwv2.VpcLink;
  readonly vpcLinkSecurityGroup: ec2.SecurityGroup;
  readonly accessLogGroup: logs.LogGroup;
  readonly usagePlan: apigw.UsagePlan;
  readonly apiKey: apigw.IApiKey;
  readonly methods: {
    readonly ask: apigw.Method;
    readonly getJob: apigw.Method;
    readonly health: apigw.Method;
  };

  constructor(scope: Construct, id: string, props: RestApiGatewayProps) {
    super(scope, id);

    this.vpcLinkSecurityGroup = new ec2.SecurityGroup(this, 'VpcLinkSecurityGroup', {
      vpc: props.vpc,
      description: 'API Gateway VPC link: egress only to the internal ALB listener',
      allowAllOutbound: false,
    });
    props.loadBalancer.connections.allowFrom(
      this.vpcLinkSecurityGroup,
      ec2.Port.tcp(ALB_LISTENER_PORT),
      'API Gateway VPC link to the ALB listener',
    );
    this.vpcLink = new apigwv2.VpcLink(this, 'VpcLink', {
      vpc: props.vpc,
      vpcLinkName: `iscoolgpt-${props.envName}`,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.vpcLinkSecurityGroup],
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
    });

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `iscoolgpt-${props.envName}`,
      description: 'IsCoolGPT study assistant: ask a question, poll a job',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // Execution and access logging need the account-level CloudWatch role.
      cloudWatchRole: true,
      apiKeySourceType: apigw.ApiKeySourceType.HEADER,
      deployOptions: {
        stageName: props.envName,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Request bodies are students' questions: never copy them into execution logs.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: props.corsAllowOrigins,
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        allowHeaders: [...apigw.Cors.DEFAULT_HEADERS, ...EXTRA_CORS_HEADERS],
        maxAge: Duration.hours(1),
      },
    });

    // Errors produced by API Gateway itself (missing key, throttled, timeout) carry CORS too,
    // so a browser client sees the real status instead of an opaque CORS failure.
    const singleOrigin = props.corsAllowOrigins.length === 1 ? props.corsAllowOrigins[0] : '';
    if (singleOrigin) {
      for (const [name, type] of [
        ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
        ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
      ] as const) {
        this.api.addGatewayResponse(name, {
          type,
          responseHeaders: { 'Access-Control-Allow-Origin': `'${singleOrigin}'` },
        });
      }
    }

    // Path parameters are checked at the edge; the body is validated once, by the api's zod
    // schema, so clients get one error format (RFC 9457 problem+json).
    const validator = this.api.addRequestValidator('Params', {
      requestValidatorName: 'path-and-query-parameters',
      validateRequestParameters: true,
      validateRequestBody: false,
    });

    const vpcLinkRef = apigw.VpcLink.fromVpcLinkId(this, 'VpcLinkRef', this.vpcLink.vpcLinkId);
    const proxyTo = (
      httpMethod: string,
      path: string,
      requestParameters?: Record<string, string>,
    ) =>
      new apigw.Integration({
        type: apigw.IntegrationType.HTTP_PROXY,
        integrationHttpMethod: httpMethod,
        uri: `http://${props.loadBalancer.loadBalancerDnsName}${path}`,
        options: {
          connectionType: apigw.ConnectionType.VPC_LINK,
          vpcLink: vpcLinkRef,
          // API Gateway's ceiling; the api answers or hands back a job id within 25 s.
          timeout: Duration.seconds(API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS),
          ...(requestParameters ? { requestParameters } : {}),
        },
      });
    const targetAlb = (method: apigw.Method) => {
      (method.node.defaultChild as apigw.CfnMethod).addPropertyOverride(
        'Integration.IntegrationTarget',
        props.loadBalancer.loadBalancerArn,
      );
      return method;
    };

    const v1 = this.api.root.addResource('api').addResource('v1');
    const ask = targetAlb(
      v1.addResource('ask').addMethod('POST', proxyTo('POST', '/api/v1/ask'), {
        apiKeyRequired: true,
        requestValidator: validator,
      }),
    );
    const getJob = targetAlb(
      v1
        .addResource('jobs')
        .addResource('{id}')
        .addMethod(
          'GET',
          proxyTo('GET', '/api/v1/jobs/{id}', {
            'integration.request.path.id': 'method.request.path.id',
          }),
          {
            apiKeyRequired: true,
            requestValidator: validator,
            requestParameters: { 'method.request.path.id': true },
          },
        ),
    );
    const health = targetAlb(
      this.api.root.addResource('health').addMethod('GET', proxyTo('GET', '/health'), {
        apiKeyRequired: false,
      }),
    );
    this.methods = { ask, getJob, health };

    this.usagePlan = this.api.addUsagePlan('UsagePlan', {
      name: `iscoolgpt-${props.envName}`,
      description: 'Per-key throttle and daily quota for /api/v1',
      throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
      quota: { limit: props.quotaPerDay, period: apigw.Period.DAY },
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    this.apiKey = this.api.addApiKey('DefaultKey', {
      apiKeyName: `iscoolgpt-${props.envName}-default`,
      description: 'First client key; add one per client with the same usage plan',
    });
    this.usagePlan.addApiKey(this.apiKey);

    new CfnOutput(this, 'ApiKeyId', {
      description: 'aws apigateway get-api-key --include-value --api-key <id> prints the key',
      value: this.apiKey.keyId,
    });

    acknowledge(
      this.api,
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Access is controlled with API keys and a usage plan, as the product brief asks; ' +
          'OPTIONS preflights must stay unauthenticated for CORS and /health is a public liveness probe.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'The service has no user accounts: clients are identified by API key and metered by ' +
          'the usage plan, so there is no Cognito user pool to authorize against.',
      },
    );
    acknowledge(this.api.node.findChild('CloudWatchRole'), {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level logging role: AWS maintains this policy for exactly this " +
        'purpose, and API Gateway needs it to write the access and execution logs.',
    });
    acknowledge(this.api, {
      id: 'AwsSolutions-APIG2',
      reason:
        'Path parameters are validated at the edge; bodies are validated by the api with the zod ' +
        'schema that also feeds its OpenAPI document, answering RFC 9457 problem+json. A second ' +
        'copy as an API Gateway model would drift and give clients two error formats.',
    });
    acknowledge(this.api.deploymentStage, {
      id: 'AwsSolutions-APIG3',
      reason:
        'Abuse is bounded by API keys, per-key throttling and a daily quota; a WAF web ACL ' +
        '(fixed monthly cost) is left for when traffic justifies it and can be attached without code changes.',
    });
  }
}
