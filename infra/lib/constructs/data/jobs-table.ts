import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { defaultResourceNames, jobsTable } from '../../shared-resources.js';

export interface JobsTableProps {
  readonly envName: string;
}

/**
 * One table for jobs (`job#<uuid>`), idempotency records (`idem#<key>`) and conversations
 * (`conv#<uuid>`), with the owner index, keyed and expired exactly as `npm run aws:bootstrap`
 * creates it locally.
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
    // What each principal owns (their conversations by recency, their Idempotency-Key records),
    // found by a query: listing, exporting and erasing a student's data never scans.
    const { ownerIndex } = jobsTable;
    this.table.addGlobalSecondaryIndex({
      indexName: ownerIndex.name,
      partitionKey: { name: ownerIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ownerIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  /**
   * What the api does with jobs and conversations (shared/src/adapters/aws/dynamo-job-store.ts:
   * create, startTurn, get, getMany (the settlement watch's reads too), settle on expiry or
   * cancel, setFeedback, deleteConversation): conditional puts, also inside TransactWriteItems for idempotency
   * records, consistent gets and batch gets, the feedback update, and deletes of a conversation's
   * items (a student erasing it, a turn that lost its race); queries of the owner index alone (a
   * principal's conversations: list, export, erase, claim). No scan, no query of the table.
   */
  grantSubmitAndRead(grantee: iam.IGrantable): iam.Grant {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: [`${this.table.tableArn}/index/${jobsTable.ownerIndex.name}`],
    });
    return this.grantOnItems(
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
    return this.grantOnItems(
      grantee,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:UpdateItem',
      'dynamodb:PutItem',
    );
  }

  /**
   * Item actions on the table itself. Not `table.grant`, which, on a table with an index, adds
   * every index (`index/*`) to each grant: only the api queries, and one index.
   */
  private grantOnItems(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.table.tableArn] });
  }
}
