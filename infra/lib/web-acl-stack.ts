import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

export interface WebAclStackProps extends StackProps {
  readonly envName: string;
  /** Requests one IP may send to /api/* in 5 minutes before WAF blocks it (until it slows down). */
  readonly apiRequestsPerIpPer5Min?: number;
}

/** Requests per client IP per 5 minutes on /api/* (about one a second). */
export const API_REQUESTS_PER_IP_PER_5_MIN = 300;

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * `IsCoolGpt-<env>-WebAcl`, always in us-east-1: the web ACL CloudFront requires to be there
 * (scope CLOUDFRONT), with a per-IP rate-based rule on /api/* so that one client cannot spend the
 * study page's shared key for everyone. Opt-in (about $6 a month): deploy it by hand once, then
 * deploy the service stack with `-c webAclArn=<its WebAclArn output>`. Handing the ARN over by
 * context keeps CDK's cross-region references (a custom-resource Lambda in each region) out.
 */
export class WebAclStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WebAclStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: 'us-east-1' } });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `iscoolgpt-${props.envName}-web`,
      description: 'IsCoolGPT study page - per-IP rate limit on /api/ paths',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`iscoolgpt-${props.envName}-web`),
      rules: [
        {
          name: 'api-per-ip',
          priority: 0,
          action: { block: {} },
          visibilityConfig: visibility(`iscoolgpt-${props.envName}-api-per-ip`),
          statement: {
            rateBasedStatement: {
              limit: props.apiRequestsPerIpPer5Min ?? API_REQUESTS_PER_IP_PER_5_MIN,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              // Page files are cached at the edge and cost the API nothing: count /api/* only.
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: '/api/',
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
        },
      ],
    });

    new CfnOutput(this, 'WebAclArn', {
      description: 'Pass as -c webAclArn= when deploying the service stack',
      value: this.webAcl.attrArn,
    });
  }
}
