import { Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from '../../nag.js';

export interface DeployWorkflowAccessProps {
  /** The deploy role of the base stack (GithubRoles), by name. */
  readonly deployRoleName: string;
  readonly services: ecs.FargateService[];
  /** The key the smoke test asks with. */
  readonly apiKey: apigw.IApiKey;
  readonly pageBucket: s3.IBucket;
  readonly distribution: cloudfront.IDistribution;
}

/**
 * What the deploy workflow does once `cdk deploy` is done, granted to its deploy role on exactly
 * the resources this stack made: wait for both services to be stable, read the smoke test's API
 * key, upload the study page and invalidate the distribution.
 */
export class DeployWorkflowAccess extends Construct {
  readonly policy: iam.Policy;

  constructor(scope: Construct, id: string, props: DeployWorkflowAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const pageObjects = props.pageBucket.arnForObjects('*');
    this.policy = new iam.Policy(this, 'Policy', {
      roles: [iam.Role.fromRoleName(this, 'DeployRole', props.deployRoleName)],
      statements: [
        new iam.PolicyStatement({
          sid: 'WaitForStableServices',
          actions: ['ecs:DescribeServices'],
          resources: props.services.map((service) => service.serviceArn),
        }),
        new iam.PolicyStatement({
          sid: 'SmokeTestApiKey',
          actions: ['apigateway:GET'],
          resources: [
            `arn:${stack.partition}:apigateway:${stack.region}::/apikeys/${props.apiKey.keyId}`,
          ],
        }),
        new iam.PolicyStatement({
          sid: 'UploadStudyPageList',
          actions: ['s3:ListBucket'],
          resources: [props.pageBucket.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'UploadStudyPageObjects',
          actions: ['s3:PutObject', 's3:DeleteObject'],
          resources: [pageObjects],
        }),
        new iam.PolicyStatement({
          sid: 'InvalidateStudyPage',
          actions: ['cloudfront:CreateInvalidation'],
          resources: [
            stack.formatArn({
              service: 'cloudfront',
              region: '',
              resource: 'distribution',
              resourceName: props.distribution.distributionId,
            }),
          ],
        }),
      ],
    });
    acknowledge(this.policy, {
      id: wildcardResourceFinding(this.policy, pageObjects),
      reason:
        "The page's files change names with every build (content hashes): the upload may put " +
        'and delete any object of the page bucket, and no other bucket.',
    });
  }
}
