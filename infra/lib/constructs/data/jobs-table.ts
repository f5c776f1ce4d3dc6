import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { defaultResourceNames, jobsTable } from '../../shared-resources.js';

export interface JobsTableProps {
  readonly envName: string;
}

/**
 * One table for jobs (`job#<uuid>`), idempotency records (`idem#<key>`) and conversations
 * (`conv#<uuid>`), keyed and expired exactly as `npm run aws:bootstrap` creates it locally.
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
      // Jobs are user data: deleting the stack or replacing the table keeps it. Only the create
      // that made it may remove it when that create rolls back, so a failed first deploy can be
      // run again under the same fixed name. Deletion protection would stop exactly that removal
      // (the rollback fails and the name stays taken), so the table relies on this policy.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
  }

  /**
   * What the api does with jobs and conversations (shared/src/adapters/aws/dynamo-job-store.ts:
   * create, startTurn, get, getMany, waitUntilSettled, settle on expiry or cancel, setFeedback,
   * deleteConversation): conditional puts, also inside TransactWriteItems for idempotency
   * records, consistent gets and batch gets, the feedback update, and deletes of a conversation's
   * items (a student erasing it, a turn that lost its race). No query or scan.
   */
  grantSubmitAndRead(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(
      grantee,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    );
  }

  /**
   * What the worker does with jobs (get, claim, renewLease, settle, and reading a turn's
   * conversation and earlier turns): gets and batch gets, conditional updates of the lease,
   * conditional puts of the outcome. No delete, query or scan.
   */
  grantProcess(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(
      grantee,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:UpdateItem',
      'dynamodb:PutItem',
    );
  }
}
