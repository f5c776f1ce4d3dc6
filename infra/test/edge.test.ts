import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_CONTAINER_PORT,
  API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS,
  MAX_SYNC_WAIT_SECONDS,
} from '../lib/config.js';
import { API_ROUTES, preflightPaths } from '../lib/constructs/edge/rest-api.js';
import { CORS_REQUEST_HEADERS } from '../lib/shared-resources.js';
import { apiMethod, type MethodProperties } from './support/rest-api.js';
import { onlyResource, synthesize, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize({ corsAllowOrigins: 'https://study.example.com' });
});

/** The API Gateway method for `httpMethod` on the resource at `path`. */
const method = (httpMethod: string, path: string) => apiMethod(app.template, httpMethod, path);
/** What a preflight's `Access-Control-Allow-<what>` header lists (header names lowercased). */
function allowed(preflight: MethodProperties, what: 'Headers' | 'Methods'): Set<string> {
  const [response] = preflight.Integration.IntegrationResponses as {
    ResponseParameters: Record<string, string>;
  }[];
  const value = response!.ResponseParameters[`method.response.header.Access-Control-Allow-${what}`];
  const items = (value ?? '').replace(/'/g, '').split(',');
  return new Set(items.map((item) => (what === 'Headers' ? item.toLowerCase() : item)));
}
const albId = () => onlyResource(app.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').id;

describe('internal load balancer', () => {
  it('is internal: the only way in is through API Gateway', () => {
    app.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Type: 'application',
    });
  });

  it('admits traffic only from the VPC link security group, never from an address range', () => {
    const { resource } = onlyResource(app.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const albSecurityGroup = (
      resource.Properties.SecurityGroups as { 'Fn::GetAtt': string[] }[]
    )[0]!;
    const ingress = Object.values(
      app.template.findResources('AWS::EC2::SecurityGroupIngress', {
        Properties: { GroupId: albSecurityGroup },
      }),
    );
    expect(ingress).toHaveLength(1);
    const vpcLinkSecurityGroup = onlyResource(app.template, 'AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^API Gateway VPC link') },
    }).id;
    expect(ingress[0]!.Properties).toMatchObject({
      FromPort: 80,
      SourceSecurityGroupId: { 'Fn::GetAtt': [vpcLinkSecurityGroup, 'GroupId'] },
    });
    const albGroup =
      app.template.findResources('AWS::EC2::SecurityGroup')[albSecurityGroup['Fn::GetAtt']![0]!];
    expect(albGroup?.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('health-checks the api tasks on GET /health, port 8000, by IP (awsvpc tasks)', () => {
    app.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: API_CONTAINER_PORT,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/health',
      Matcher: { HttpCode: '200' },
    });
  });

  it('writes access logs to an encrypted, private bucket', () => {
    app.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    });
    app.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('keeps an idle connection open longer than the longest api wait', () => {
    app.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: Match.stringLikeRegexp('^\\d+$') },
      ]),
    });
    const { resource } = onlyResource(app.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const idle = (
      resource.Properties.LoadBalancerAttributes as { Key: string; Value: string }[]
    ).find((a) => a.Key === 'idle_timeout.timeout_seconds');
    expect(Number(idle?.Value)).toBeGreaterThan(MAX_SYNC_WAIT_SECONDS);
  });
});

describe('API Gateway REST API', () => {
  it('serves POST /api/v1/ask, GET /api/v1/jobs/{id} and GET /health', () => {
    expect(method('POST', '/api/v1/ask')).toBeDefined();
    expect(method('GET', '/api/v1/jobs/{id}')).toBeDefined();
    expect(method('GET', '/health')).toBeDefined();
  });

  it('requires an API key on /api/v1 methods and leaves /health open for uptime checks', () => {
    expect(method('POST', '/api/v1/ask').ApiKeyRequired).toBe(true);
    expect(method('GET', '/api/v1/jobs/{id}').ApiKeyRequired).toBe(true);
    expect(method('GET', '/health').ApiKeyRequired).toBe(false);
  });

  it('proxies to the ALB directly over a VPC link V2 (no Network Load Balancer in between)', () => {
    const vpcLinkId = onlyResource(app.template, 'AWS::ApiGatewayV2::VpcLink').id;
    for (const { method: httpMethod, path } of [
      ...API_ROUTES,
      { method: 'GET', path: '/health' },
    ]) {
      expect(method(httpMethod, path).Integration).toMatchObject({
        Type: 'HTTP_PROXY',
        IntegrationHttpMethod: httpMethod,
        ConnectionType: 'VPC_LINK',
        ConnectionId: { Ref: vpcLinkId },
        IntegrationTarget: { Ref: albId() },
        Uri: { 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [albId(), 'DNSName'] }, path]] },
      });
    }
    app.template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
  });

  it('places the VPC link in the private subnets behind its own security group', () => {
    const { resource } = onlyResource(app.template, 'AWS::ApiGatewayV2::VpcLink');
    expect(resource.Properties.SubnetIds).toHaveLength(2);
    expect(resource.Properties.SecurityGroupIds).toHaveLength(1);
  });

  it('passes the job id from the path to the api', () => {
    expect(method('GET', '/api/v1/jobs/{id}')).toMatchObject({
      RequestParameters: { 'method.request.path.id': true },
      Integration: {
        RequestParameters: { 'integration.request.path.id': 'method.request.path.id' },
      },
    });
  });

  it('waits for a buffered answer longer than the api’s 25 s cap and no longer than the 29 s API Gateway allows', () => {
    const buffered = API_ROUTES.filter((route) => !route.streaming);
    expect(buffered.length).toBeGreaterThan(0);
    for (const { method: httpMethod, path } of buffered) {
      const timeout = (method(httpMethod, path).Integration as { TimeoutInMillis: number })
        .TimeoutInMillis;
      expect(timeout, `${httpMethod} ${path}`).toBeGreaterThan(MAX_SYNC_WAIT_SECONDS * 1000);
      expect(timeout, `${httpMethod} ${path}`).toBeLessThanOrEqual(
        API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS * 1000,
      );
    }
  });

  it('answers CORS preflights without an API key, allowing every header the api reads', () => {
    const preflight = method('OPTIONS', '/api/v1/ask');
    expect(preflight.ApiKeyRequired).not.toBe(true);
    const integration = JSON.stringify(preflight.Integration);
    expect(integration).toContain("'https://study.example.com'");
    expect(allowed(preflight, 'Headers')).toEqual(new Set(CORS_REQUEST_HEADERS));
  });

  it('allows in every preflight each method the gateway routes, as the api allows its own', () => {
    const routed = new Set([...API_ROUTES.map((route) => route.method), 'GET']);
    expect(routed).toEqual(new Set(['GET', 'POST', 'PUT', 'DELETE']));
    for (const path of preflightPaths([...API_ROUTES, { path: '/health' }])) {
      expect(allowed(method('OPTIONS', path), 'Methods'), path).toEqual(routed);
    }
  });

  it('adds CORS headers to gateway-made errors (missing key, throttled) so browsers can read them', () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      app.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: {
          'gatewayresponse.header.Access-Control-Allow-Origin': "'https://study.example.com'",
        },
      });
    }
  });

  it('writes JSON access logs for every request to a log group', () => {
    app.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'test',
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('"status":"\\$context.status"'),
      },
    });
  });

  it('logs execution errors for all methods but never request bodies (students’ questions)', () => {
    app.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
        }),
      ]),
    });
  });

  it('turns per-method metrics off on the development profile (billed per metric once traffic flows)', () => {
    const dev = synthesize({ profile: 'development' });
    const stage = onlyResource(dev.template, 'AWS::ApiGateway::Stage').resource;
    const settings = stage.Properties.MethodSettings as { MetricsEnabled: boolean }[];
    expect(settings.length).toBeGreaterThan(1);
    for (const setting of settings) expect(setting.MetricsEnabled).toBe(false);
    // Production keeps them (the test above): per-method latency and errors during an incident.
    expect(app.config.edge.detailedMetrics).toBe(true);
  });

  it('meters each API key with a usage plan: throttling and a daily quota', () => {
    app.template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: {
        RateLimit: app.config.edge.throttleRateLimit,
        BurstLimit: app.config.edge.throttleBurstLimit,
      },
      Quota: { Limit: app.config.edge.quotaPerDay, Period: 'DAY' },
      ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
    });
  });

  it('issues a first API key already attached to the usage plan', () => {
    // (The study page's key has a usage plan of its own: test/web.test.ts.)
    const keyId = onlyResource(app.template, 'AWS::ApiGateway::ApiKey', {
      Properties: { Name: `iscoolgpt-${app.config.envName}-default` },
    }).id;
    const planId = onlyResource(app.template, 'AWS::ApiGateway::UsagePlan', {
      Properties: { UsagePlanName: `iscoolgpt-${app.config.envName}` },
    }).id;
    app.template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyId: { Ref: keyId },
      KeyType: 'API_KEY',
      UsagePlanId: { Ref: planId },
    });
  });
});
