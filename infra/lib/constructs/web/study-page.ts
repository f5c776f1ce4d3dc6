import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../../nag.js';
import { pageCsp } from '../../shared-resources.js';
import type { Throttle } from '../edge/rest-api.js';

export interface StudyPageProps {
  readonly envName: string;
  /** The REST API `/api/*` is routed to, on the same origin as the page. */
  readonly api: apigw.RestApi;
  /** The web client's key: all browsers share it, so it gets a usage plan of its own. */
  readonly throttle: Throttle;
  readonly quotaPerDay: number;
  /** A CLOUDFRONT-scope WAF web ACL (it lives in us-east-1), e.g. with a per-IP rate rule. */
  readonly webAclArn?: string;
  /** Origins the page's sign-in calls besides its own (Cognito's login domain): CSP connect-src. */
  readonly signInOrigins?: readonly string[];
  /** Days CloudFront access logs are kept. */
  readonly accessLogDays?: number;
}

/** Between two packets of a response: above the api's 25 s sync wait and the 15 s SSE heartbeat. */
export const API_ORIGIN_READ_TIMEOUT_SECONDS = 60;

/**
 * The study page for the world: the files Vite builds (web/dist) in a private S3 bucket that only
 * this distribution may read (origin access control), and `/api/*` on the same distribution to
 * API Gateway, uncached and streamed, so the page calls the API on its own origin (no CORS).
 *
 * The browser never holds an API key: CloudFront adds the web client's key as the `x-api-key`
 * origin header (replacing any a viewer sent). Everyone on the page shares that key, so its
 * usage plan bounds what all of them together can spend, per second and per day.
 *
 * The deploy workflow uploads the built files (`aws s3 sync`) and invalidates the distribution;
 * synth never needs web/dist.
 */
export class StudyPage extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;
  readonly apiKey: apigw.ApiKey;
  readonly usagePlan: apigw.UsagePlan;

  constructor(scope: Construct, id: string, props: StudyPageProps) {
    super(scope, id);

    this.logBucket = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logging delivers with ACLs, so object ownership stays with the writer.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays ?? 90) }],
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    acknowledge(this.logBucket, {
      id: 'AwsSolutions-S1',
      reason:
        'This bucket only receives CloudFront access logs; server access logging on a log bucket ' +
        'would need yet another log bucket and record nothing but the log-delivery writes.',
    });

    this.bucket = new s3.Bucket(this, 'Files', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // Rebuilt from git by every deploy: nothing here is worth keeping, but a stack deletion
      // must not fail on a non-empty bucket either, so it is left behind like the log buckets.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    acknowledge(this.bucket, {
      id: 'AwsSolutions-S1',
      reason:
        'Only CloudFront reads this bucket (origin access control) and the distribution logs every ' +
        'request; S3 access logs would repeat those lines, plus the deploy uploads CloudTrail records.',
    });

    // The page's own key, its value generated in Secrets Manager so that API Gateway (the key)
    // and CloudFront (the origin header) read the same value at deploy time and it never
    // appears in the template or in git.
    const keyValue = new secretsmanager.Secret(this, 'ApiKeyValue', {
      description: `IsCoolGPT ${props.envName}: the study page's API Gateway key, sent by CloudFront`,
      generateSecretString: { passwordLength: 40, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    acknowledge(keyValue, {
      id: 'AwsSolutions-SMG4',
      reason:
        "The value is the study page's API key, read by API Gateway and CloudFront at deploy " +
        'time; rotating it means replacing both in one deploy, which a rotation Lambda cannot do.',
    });
    this.apiKey = new apigw.ApiKey(this, 'ApiKey', {
      apiKeyName: `iscoolgpt-${props.envName}-web`,
      description: 'The study page: added by CloudFront to /api/* requests, shared by all browsers',
      value: keyValue.secretValue.unsafeUnwrap(),
    });
    this.usagePlan = new apigw.UsagePlan(this, 'UsagePlan', {
      name: `iscoolgpt-${props.envName}-web`,
      description: 'All study-page traffic together: one key shared by every browser',
      throttle: props.throttle,
      quota: { limit: props.quotaPerDay, period: apigw.Period.DAY },
      apiStages: [{ api: props.api, stage: props.api.deploymentStage }],
    });
    this.usagePlan.addApiKey(this.apiKey);

    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `iscoolgpt-${props.envName}-security-headers`,
      comment: 'CSP without inline scripts, HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: pageCsp(props.signInOrigins),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER,
          override: true,
        },
      },
    });

    // Hashed assets are uploaded with a year-long Cache-Control and index.html with no-cache;
    // this policy follows the origin's header (a minimum TTL of 0 lets no-cache mean it).
    const pageCache = new cloudfront.CachePolicy(this, 'PageCache', {
      cachePolicyName: `iscoolgpt-${props.envName}-page`,
      comment: "Follows the files' Cache-Control: hashed assets for a year, index.html revalidated",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `IsCoolGPT ${props.envName}: the study page and /api/*`,
      defaultRootObject: 'index.html',
      // Students in Brazil: South America is only in the "all edge locations" price class.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: pageCache,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new origins.RestApiOrigin(props.api, {
            customHeaders: { 'x-api-key': keyValue.secretValue.unsafeUnwrap() },
            readTimeout: Duration.seconds(API_ORIGIN_READ_TIMEOUT_SECONDS),
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          // Every answer is someone's own: never cached. All viewer headers but Host (API
          // Gateway routes on its own host name), query strings (`?after=`) and cookies go on.
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
          // Compressing would buffer a server-sent event stream.
          compress: false,
        },
      },
    });

    acknowledge(
      this.distribution,
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Students may study from any country; the service has no legal reason to refuse one, ' +
          'so the distribution has no geo restriction.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution uses the default *.cloudfront.net certificate, ' +
          'for which CloudFront fixes the minimum protocol; a custom domain would set TLSv1.2_2021.',
      },
    );
    if (!props.webAclArn) {
      acknowledge(this.distribution, {
        id: 'AwsSolutions-CFR2',
        reason:
          'The web key is throttled and capped per day by its own usage plan; a CLOUDFRONT web ' +
          'ACL must live in us-east-1 and is attached with -c webAclArn=<arn> (infra/README.md).',
      });
    }

    new CfnOutput(this, 'Url', {
      description: 'The study page (and /api/* on the same origin)',
      value: `https://${this.distribution.distributionDomainName}`,
    });
    new CfnOutput(this, 'BucketName', {
      description: 'The deploy workflow uploads web/dist here',
      value: this.bucket.bucketName,
    });
    new CfnOutput(this, 'DistributionId', {
      description: 'The deploy workflow invalidates this distribution after an upload',
      value: this.distribution.distributionId,
    });
  }
}
