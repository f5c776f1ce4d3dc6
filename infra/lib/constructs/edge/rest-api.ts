import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS,
  API_GATEWAY_STREAM_TIMEOUT_SECONDS,
} from '../../config.js';
import { acknowledge } from '../../nag.js';
import { CORS_REQUEST_HEADERS, gatewaySettings } from '../../shared-resources.js';
import { ALB_LISTENER_PORT } from './internal-load-balancer.js';

export interface RestApiGatewayProps {
  readonly envName: string;
  readonly vpc: ec2.IVpc;
  /** Subnets of the VPC link's network interfaces (the network's private subnets). */
  readonly privateSubnets: ec2.SubnetSelection;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly corsAllowOrigins: string[];
  /** Per-API-key steady-state requests per second. */
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  /** Per-API-key requests per day. */
  readonly quotaPerDay: number;
  readonly logRetention: logs.RetentionDays;
  /**
   * Per-method CloudWatch metrics. The API-wide ones (Count, 4XXError, 5XXError, Latency) that
   * the alarms read are published either way; per-method ones are billed per metric.
   */
  readonly detailedMetrics: boolean;
}

export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The api's own path; `{name}` segments are path parameters passed through. */
  readonly path: string;
  /**
   * The method may answer with a server-sent event stream: API Gateway passes the response on as
   * it arrives (`responseTransferMode: STREAM`) for up to 15 minutes instead of buffering it
   * for at most 29 s.
   */
  readonly streaming?: boolean;
}

/**
 * Every /api/v1 operation of the api's OpenAPI document, each requiring an API key (who the
 * caller is inside the api comes from its own tokens). infra/test/gateway-routes.test.ts fails
 * while this list and the document differ.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  // May stream: `Accept: text/event-stream` gets the job's events in the same response.
  { method: 'POST', path: '/api/v1/ask', streaming: true },
  { method: 'GET', path: '/api/v1/jobs/{id}' },
  { method: 'GET', path: '/api/v1/jobs/{id}/events', streaming: true },
  { method: 'POST', path: '/api/v1/jobs/{id}/cancel' },
  { method: 'PUT', path: '/api/v1/jobs/{id}/feedback' },
  { method: 'GET', path: '/api/v1/conversations' },
  { method: 'GET', path: '/api/v1/conversations/{id}' },
  { method: 'DELETE', path: '/api/v1/conversations/{id}' },
  // Guest sessions (a guest token), and a guest's conversations claimed by a signed-in student.
  { method: 'POST', path: '/api/v1/sessions' },
  { method: 'POST', path: '/api/v1/sessions/claim' },
  // The signed-in principal: who it is, erasing it, exporting its data.
  { method: 'GET', path: '/api/v1/me' },
  { method: 'DELETE', path: '/api/v1/me' },
  { method: 'GET', path: '/api/v1/me/export' },
  // An app's day: what its asks used and cost (apps have no daily limits: their usage plan rules).
  { method: 'GET', path: '/api/v1/me/usage' },
];

export interface Throttle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * Stage-wide default for every method, across all callers: what one method may take before API
 * Gateway answers 429, far below the account's 10,000 rps shared by every API in the region. The
 * usage plans throttle each key further.
 */
export const STAGE_THROTTLE: Throttle = { rateLimit: 100, burstLimit: 200 };
/** `/health` needs no key: a liveness probe polls it a few times a minute, never 5 times a second. */
export const HEALTH_THROTTLE: Throttle = { rateLimit: 5, burstLimit: 10 };
/** `/health`, routed beside API_ROUTES and open without a key. */
const HEALTH_ROUTE: ApiRoute = { method: 'GET', path: '/health' };

/** The methods CORS preflights allow: those the gateway routes, as the api derives its own. */
export const PREFLIGHT_METHODS = [
  ...new Set([...API_ROUTES, HEALTH_ROUTE].map((route) => route.method)),
].sort();

/** CORS preflights need no key either; browsers cache them for an hour (maxAge). */
export const PREFLIGHT_THROTTLE: Throttle = { rateLimit: 10, burstLimit: 20 };

/**
 * Every resource path that answers a CORS preflight: the root and every prefix of a route (CDK
 * adds an OPTIONS method to each resource under `defaultCorsPreflightOptions`).
 */
export function preflightPaths(routes: readonly { path: string }[]): string[] {
  const paths = new Set<string>(['/']);
  for (const { path } of routes) {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) paths.add(`/${parts.slice(0, i).join('/')}`);
  }
  return [...paths];
}

/** Path parameter names of `path`, e.g. `['id']` for `/api/v1/jobs/{id}`. */
const pathParameters = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/**
 * The public face of the service: an API Gateway REST API whose routes (API_ROUTES) proxy to the
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
  /** Methods by `"<METHOD> <path>"`, e.g. `"GET /api/v1/jobs/{id}/events"`, and `"GET /health"`. */
  readonly methods: Record<string, apigw.Method>;

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
      subnets: props.privateSubnets,
      securityGroups: [this.vpcLinkSecurityGroup],
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    const methodLogging = {
      loggingLevel: apigw.MethodLoggingLevel.ERROR,
      // Request bodies are students' questions: never copy them into execution logs.
      dataTraceEnabled: false,
      metricsEnabled: props.detailedMetrics,
    };
    const throttleOptions = (throttle: Throttle) => ({
      throttlingRateLimit: throttle.rateLimit,
      throttlingBurstLimit: throttle.burstLimit,
    });

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `iscoolgpt-${props.envName}`,
      description: 'IsCoolGPT study assistant: ask, stream and manage jobs and conversations',
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
        ...methodLogging,
        tracingEnabled: true,
        throttlingRateLimit: STAGE_THROTTLE.rateLimit,
        throttlingBurstLimit: STAGE_THROTTLE.burstLimit,
        // Methods open without a key get tight limits of their own. Each entry repeats the
        // logging settings: a method's own settings replace the stage's, they do not add to them.
        methodOptions: Object.fromEntries([
          ['/health/GET', { ...methodLogging, ...throttleOptions(HEALTH_THROTTLE) }],
          ...preflightPaths([...API_ROUTES, HEALTH_ROUTE]).map((path) => [
            // `//OPTIONS` is the root's: CDK reads the part before the method as the path.
            `${path}/OPTIONS`,
            { ...methodLogging, ...throttleOptions(PREFLIGHT_THROTTLE) },
          ]),
        ]),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: props.corsAllowOrigins,
        allowMethods: PREFLIGHT_METHODS,
        // The api's CORS contract (shared/src/cors.ts): every request header it reads.
        allowHeaders: [...CORS_REQUEST_HEADERS],
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
    const proxyTo = (route: ApiRoute, requestParameters: Record<string, string>) =>
      new apigw.Integration({
        type: apigw.IntegrationType.HTTP_PROXY,
        integrationHttpMethod: route.method,
        uri: `http://${props.loadBalancer.loadBalancerDnsName}${route.path}`,
        options: {
          connectionType: apigw.ConnectionType.VPC_LINK,
          vpcLink: vpcLinkRef,
          ...(route.streaming
            ? {
                // Sent on as it arrives; a stream may last 15 min (the api's heartbeat keeps it
                // from idling out), after which the client resumes with Last-Event-ID.
                responseTransferMode: apigw.ResponseTransferMode.STREAM,
                timeout: Duration.seconds(API_GATEWAY_STREAM_TIMEOUT_SECONDS),
              }
            : {
                // API Gateway's ceiling for a buffered response; the api answers or hands back a
                // job id within 25 s.
                timeout: Duration.seconds(API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS),
              }),
          ...(Object.keys(requestParameters).length > 0 ? { requestParameters } : {}),
        },
      });
    const targetAlb = (method: apigw.Method) => {
      (method.node.defaultChild as apigw.CfnMethod).addPropertyOverride(
        'Integration.IntegrationTarget',
        props.loadBalancer.loadBalancerArn,
      );
      return method;
    };

    const methods: Record<string, apigw.Method> = {};
    for (const route of API_ROUTES) {
      const names = pathParameters(route.path);
      const integrationParameters = {
        ...Object.fromEntries(
          names.map((name) => [`integration.request.path.${name}`, `method.request.path.${name}`]),
        ),
        // The caller, for the api's idempotency scope: the id of the API key API Gateway has just
        // checked. A mapped header replaces one of the same name the client sent, so a client
        // cannot choose another caller's scope.
        [`integration.request.header.${gatewaySettings.callerHeader}`]: 'context.identity.apiKeyId',
      };
      methods[`${route.method} ${route.path}`] = targetAlb(
        this.api.root
          .resourceForPath(route.path)
          .addMethod(route.method, proxyTo(route, integrationParameters), {
            apiKeyRequired: true,
            requestValidator: validator,
            ...(names.length > 0
              ? {
                  requestParameters: Object.fromEntries(
                    names.map((name) => [`method.request.path.${name}`, true]),
                  ),
                }
              : {}),
          }),
      );
    }
    methods['GET /health'] = targetAlb(
      this.api.root.addResource('health').addMethod('GET', proxyTo(HEALTH_ROUTE, {}), {
        apiKeyRequired: false,
      }),
    );
    this.methods = methods;

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
