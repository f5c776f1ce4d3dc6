import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  InfraConfigError,
  MAX_SYNC_WAIT_SECONDS,
  readConfig,
  SSE_HEARTBEAT_SECONDS,
} from '../lib/config.js';
import { STAGE_THROTTLE } from '../lib/constructs/edge/rest-api.js';
import { webUsagePlan } from '../lib/sizing.js';
import { API_REQUESTS_PER_IP_PER_5_MIN } from '../lib/web-acl-stack.js';
import { onlyResource, synthesize, templateText, type Synthesized } from './support/synth.js';

/** AWS managed CloudFront policies, by their fixed ids. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const WEB_ACL_ARN =
  'arn:aws:wafv2:us-east-1:123456789012:global/webacl/iscoolgpt-test/0f2a9c1e-1111-2222-3333-444455556666';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

interface Origin {
  Id: string;
  DomainName: unknown;
  OriginPath?: unknown;
  OriginAccessControlId?: unknown;
  OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
  CustomOriginConfig?: { OriginReadTimeout?: number; OriginProtocolPolicy?: string };
}
interface Behavior {
  PathPattern?: string;
  TargetOriginId: string;
  CachePolicyId?: unknown;
  OriginRequestPolicyId?: unknown;
  ResponseHeadersPolicyId?: unknown;
  AllowedMethods?: string[];
  Compress?: boolean;
  ViewerProtocolPolicy?: string;
}
interface DistributionConfig {
  Origins: Origin[];
  DefaultCacheBehavior: Behavior;
  CacheBehaviors: Behavior[];
  DefaultRootObject?: string;
  PriceClass?: string;
  Logging?: { Bucket: unknown };
  WebACLId?: string;
}

const distribution = (template = app.template) =>
  onlyResource(template, 'AWS::CloudFront::Distribution').resource.Properties
    .DistributionConfig as DistributionConfig;
const apiBehavior = () => distribution().CacheBehaviors.find((b) => b.PathPattern === '/api/*')!;
const originOf = (behavior: Behavior) =>
  distribution().Origins.find((o) => o.Id === behavior.TargetOriginId)!;
/** The bucket the distribution's default (page) origin reads. */
const pageBucketId = () => {
  const domain = JSON.stringify(originOf(distribution().DefaultCacheBehavior).DomainName);
  return /"Fn::GetAtt":\["([^"]+)","RegionalDomainName"\]/.exec(domain)![1]!;
};
const securityHeaders = () =>
  (
    onlyResource(app.template, 'AWS::CloudFront::ResponseHeadersPolicy').resource.Properties
      .ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, unknown> }
  ).SecurityHeadersConfig;
const webKeySecretRef = () => {
  const { resource } = onlyResource(app.template, 'AWS::ApiGateway::ApiKey', {
    Properties: { Name: Match.stringLikeRegexp('-web$') },
  });
  return resource.Properties.Value;
};

describe('the study page on CloudFront (issue 13)', () => {
  it('keeps the page in a bucket closed to the public', () => {
    const bucket = app.template.toJSON().Resources[pageBucketId()];
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('reads the bucket through origin access control, signed by CloudFront (no website endpoint, no OAI)', () => {
    const page = originOf(distribution().DefaultCacheBehavior);
    expect(page.OriginAccessControlId).toBeDefined();
    expect(app.template.toJSON().Resources[pageBucketId()].Type).toBe('AWS::S3::Bucket');
    app.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
  });

  it('lets only this distribution read the files (bucket policy bound to its ARN)', () => {
    const distributionId = onlyResource(app.template, 'AWS::CloudFront::Distribution').id;
    const policy = onlyResource(app.template, 'AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: pageBucketId() } },
    }).resource.Properties.PolicyDocument as { Statement: Record<string, unknown>[] };
    const reads = policy.Statement.filter((s) => s.Effect === 'Allow');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
    });
    expect(JSON.stringify(reads[0]!.Condition)).toContain(distributionId);
  });

  it('serves index.html at the root, over HTTPS (HTTP is redirected)', () => {
    expect(distribution().DefaultRootObject).toBe('index.html');
    expect(distribution().DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('reaches students in South America too (every edge location)', () => {
    expect(distribution().PriceClass).toBe('PriceClass_All');
  });

  it('logs every request to a log bucket', () => {
    expect(distribution().Logging?.Bucket).toBeDefined();
  });

  it('needs no built page to synthesize: the deploy workflow uploads web/dist', () => {
    app.template.resourceCountIs('Custom::CDKBucketDeployment', 0);
  });
});

describe('/api/* on the same distribution', () => {
  it('routes /api/* to the API Gateway stage, so the page calls the API on its own origin', () => {
    const api = originOf(apiBehavior());
    const gatewayId = onlyResource(app.template, 'AWS::ApiGateway::RestApi').id;
    expect(JSON.stringify(api.DomainName)).toContain(gatewayId);
    expect(JSON.stringify(api.OriginPath)).toContain('DeploymentStage');
    expect(api.CustomOriginConfig?.OriginProtocolPolicy).toBe('https-only');
  });

  it('never caches an API response (each answer is one student’s)', () => {
    expect(apiBehavior().CachePolicyId).toBe(CACHING_DISABLED);
  });

  it('forwards every viewer header but Host (API Gateway routes on its own host name)', () => {
    expect(apiBehavior().OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
  });

  it('allows POST, PUT and DELETE (ask, feedback, deleting a conversation)', () => {
    expect(apiBehavior().AllowedMethods).toEqual(expect.arrayContaining(['POST', 'PUT', 'DELETE']));
  });

  it('does not compress API responses, which would hold back a server-sent event stream', () => {
    expect(apiBehavior().Compress).toBe(false);
  });

  it('waits between two packets longer than the sync wait and the SSE heartbeat', () => {
    const timeout = originOf(apiBehavior()).CustomOriginConfig?.OriginReadTimeout ?? 30;
    expect(timeout).toBeGreaterThan(MAX_SYNC_WAIT_SECONDS);
    expect(timeout).toBeGreaterThan(SSE_HEARTBEAT_SECONDS);
  });

  it('adds the web client’s API key as x-api-key, so the browser never holds a key', () => {
    const headers = originOf(apiBehavior()).OriginCustomHeaders ?? [];
    const key = headers.find((h) => h.HeaderName.toLowerCase() === 'x-api-key');
    expect(key).toBeDefined();
    // The same generated secret is the value of the web client's API Gateway key.
    expect(key!.HeaderValue).toEqual(webKeySecretRef());
    expect(JSON.stringify(key!.HeaderValue)).toContain('{{resolve:secretsmanager:');
  });

  it("sizes the shared web key's plan from the stated load: 1,000 students × 20 questions a day", () => {
    expect(app.config.load).toEqual({ students: 1000, questionsPerStudentPerDay: 20 });
    // 20,000 questions × 3 requests × 2 = 120,000 a day; the busiest second (a quarter of the day
    // in one hour, a class asking at once: ×4) is 5.6 questions, 34 requests/s with the margin;
    // the burst takes every stream a deploy cuts (15 s of them) reconnecting at once.
    expect(app.config.web).toMatchObject({
      quotaPerDay: 120_000,
      throttleRateLimit: 34,
      throttleBurstLimit: 167,
    });
  });

  it('grows the plan with the stated load (-c students=), and lets explicit limits win', () => {
    const twice = readConfig((key) => ({ students: '2000', profile: 'development' })[key]);
    expect(twice.web.quotaPerDay).toBe(2 * 120_000);
    expect(webUsagePlan({ students: 2000, questionsPerStudentPerDay: 20 }).rateLimit).toBe(67);
    const fixed = readConfig((key) => ({ webQuotaPerDay: '5000', profile: 'development' })[key]);
    expect(fixed.web.quotaPerDay).toBe(5000);
  });

  it('stays within the stage limit of every method, so the plan, not the stage, is what binds', () => {
    expect(app.config.web.throttleRateLimit).toBeLessThan(STAGE_THROTTLE.rateLimit);
  });

  it('limits the shared web key with a usage plan of its own: rate and daily quota', () => {
    const keyId = onlyResource(app.template, 'AWS::ApiGateway::ApiKey', {
      Properties: { Name: Match.stringLikeRegexp('-web$') },
    }).id;
    const planKey = onlyResource(app.template, 'AWS::ApiGateway::UsagePlanKey', {
      Properties: { KeyId: { Ref: keyId } },
    }).resource.Properties;
    const planId = (planKey.UsagePlanId as { Ref: string }).Ref;
    const plan = app.template.toJSON().Resources[planId].Properties;
    expect(plan).toMatchObject({
      Throttle: {
        RateLimit: app.config.web.throttleRateLimit,
        BurstLimit: app.config.web.throttleBurstLimit,
      },
      Quota: { Limit: app.config.web.quotaPerDay, Period: 'DAY' },
    });
    const defaultPlan = onlyResource(app.template, 'AWS::ApiGateway::UsagePlan', {
      Properties: { UsagePlanName: `iscoolgpt-${app.config.envName}` },
    }).id;
    expect(planId).not.toBe(defaultPlan);
  });
});

describe('security headers on the page', () => {
  const csp = () =>
    templateText(
      (securityHeaders().ContentSecurityPolicy as { ContentSecurityPolicy: unknown })
        .ContentSecurityPolicy,
    );
  const directive = (name: string) =>
    csp()
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith(`${name} `));

  it('sends a content security policy whose scripts come from the page’s origin only, never inline', () => {
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(directive('default-src')).toBe("default-src 'self'");
  });

  it('lets the page call its own origin and, for the sign-in code exchange, Cognito’s login domain only', () => {
    const domain = onlyResource(app.template, 'AWS::Cognito::UserPoolDomain').resource.Properties
      .Domain as unknown;
    expect(directive('connect-src')).toBe(
      `connect-src 'self' https://${templateText(domain)}.auth.\${AWS::Region}.amazoncognito.com`,
    );
  });

  it('forbids framing the page (frame-ancestors none and X-Frame-Options DENY)', () => {
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(securityHeaders().FrameOptions).toMatchObject({ FrameOption: 'DENY' });
  });

  it('sends HSTS for at least a year, subdomains included', () => {
    const hsts = securityHeaders().StrictTransportSecurity as {
      AccessControlMaxAgeSec: number;
      IncludeSubdomains: boolean;
    };
    expect(hsts.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(365 * 24 * 3600);
    expect(hsts.IncludeSubdomains).toBe(true);
  });

  it('sends nosniff, so a model answer served as text is never run as a script', () => {
    expect(securityHeaders().ContentTypeOptions).toEqual({ Override: true });
  });

  it('applies the headers to the page and to /api/* alike', () => {
    const policyId = onlyResource(app.template, 'AWS::CloudFront::ResponseHeadersPolicy').id;
    for (const behavior of [distribution().DefaultCacheBehavior, apiBehavior()]) {
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    }
  });
});

describe('web ACL (per-IP rate limiting)', () => {
  it('attaches the CLOUDFRONT web ACL given with -c webAclArn', () => {
    const withAcl = synthesize({ webAclArn: WEB_ACL_ARN });
    expect(distribution(withAcl.template).WebACLId).toBe(WEB_ACL_ARN);
  });

  it('offers the web ACL as its own stack in us-east-1, where CloudFront requires it', () => {
    expect(app.webAcl.region).toBe('us-east-1');
    Template.fromStack(app.webAcl).hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
    });
  });

  it('blocks one IP sending more than its share to /api/* (page files do not count)', () => {
    const { resource } = onlyResource(Template.fromStack(app.webAcl), 'AWS::WAFv2::WebACL');
    const [rule] = resource.Properties.Rules as {
      Action: unknown;
      Statement: { RateBasedStatement: Record<string, unknown> };
    }[];
    expect(rule!.Action).toEqual({ Block: {} });
    expect(rule!.Statement.RateBasedStatement).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: API_REQUESTS_PER_IP_PER_5_MIN,
      ScopeDownStatement: {
        ByteMatchStatement: { PositionalConstraint: 'STARTS_WITH', SearchString: '/api/' },
      },
    });
  });

  it('refuses a web ACL outside us-east-1, where CloudFront cannot use it', () => {
    const regional =
      'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/iscoolgpt-test/0f2a9c1e-1111';
    expect(() => readConfig((key) => (key === 'webAclArn' ? regional : undefined))).toThrow(
      InfraConfigError,
    );
  });
});
