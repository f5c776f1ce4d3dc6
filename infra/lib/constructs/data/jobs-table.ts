import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { defaultResourceNames, jobsTable } from '../../shared-resources.js';

export interface JobsTableProps {
  readonly envName: string;
}

/**
 * One table for jobs (`job#<uuid>`) and idempotency records (`idem#<key>`), keyed and expired
 * exactly as `npm run aws:bootstrap` creates it locally.
 */
export class JobsTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: JobsTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: `${props.envName}-${defaultResourceNames.table}`,
      partitionKey: { name: jobsTable.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: jobsTable.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS managed key (aws/dynamodb) makes every decrypt visible in CloudTrail.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      // Jobs are user data: deleting the stack must not delete them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
