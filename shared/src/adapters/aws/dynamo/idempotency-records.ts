import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyConflictError } from '../../../domain/errors.js';
import type { JobRecord } from '../../../domain/job.js';
import type { IdempotencyClaim, IdempotencyKey } from '../../../domain/ports.js';
import { WRITE_ATTEMPTS, type JobItems } from './job-items.js';
import { idempotencyKey, OWNER_SORT, PK, type Table } from './table.js';

interface IdempotencyRecord {
  jobId: string;
  fingerprint: string;
}

/**
 * The Idempotency-Key records (`idem#<scope>#<key>`): one per caller and key, naming the job the
 * key was first used for and the fingerprint of that request. Written in one transaction with
 * their job, so a key never names a job that was not stored.
 */
export class IdempotencyRecords {
  constructor(
    private readonly table: Table,
    private readonly jobs: JobItems,
  ) {}

  /**
   * Stores `job` under the key, or returns the earlier job of the same key and fingerprint
   * (`created: false`); another fingerprint throws IdempotencyConflictError.
   */
  async createJob(
    job: JobRecord,
    claim: IdempotencyClaim,
  ): Promise<{ job: JobRecord; created: boolean }> {
    // A record whose job is gone (TTL) may be taken over, as if it had expired.
    let staleJobId: string | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.table.client.send(
          new TransactWriteCommand({
            TransactItems: [{ Put: this.put(job, claim, staleJobId) }, { Put: this.jobs.put(job) }],
          }),
        );
        return { job, created: true };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException) || attempt >= WRITE_ATTEMPTS) {
          throw error;
        }
        const [keyReason] = error.CancellationReasons ?? [];
        if (keyReason?.Code !== 'ConditionalCheckFailed') {
          // TransactionConflict: another request with the same key is being written right now.
          await sleep(20 * attempt);
          continue;
        }
        const earlier = await this.read(claim);
        if (!earlier) continue; // expired and deleted in between: try again
        if (earlier.fingerprint !== claim.fingerprint) {
          throw new IdempotencyConflictError(claim.key);
        }
        const earlierJob = await this.jobs.get(earlier.jobId);
        if (earlierJob) return { job: earlierJob, created: false };
        staleJobId = earlier.jobId;
      }
    }
  }

  /** The job the key was first used for, if kept; another fingerprint throws a conflict. */
  async findJob(claim: IdempotencyClaim): Promise<JobRecord | undefined> {
    const earlier = await this.read(claim);
    if (!earlier) return undefined;
    if (earlier.fingerprint !== claim.fingerprint) throw new IdempotencyConflictError(claim.key);
    return this.jobs.get(earlier.jobId);
  }

  /** Deletes the key's record if it still names `jobId` (its turn lost a race). */
  async discard(claim: IdempotencyClaim, jobId: string): Promise<void> {
    try {
      await this.table.client.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: idempotencyKey(claim),
          ConditionExpression: 'jobId = :jobId',
          ExpressionAttributeValues: { ':jobId': jobId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private put(job: JobRecord, claim: IdempotencyClaim, staleJobId: string | undefined) {
    return {
      TableName: this.table.name,
      Item: {
        ...idempotencyKey(claim),
        jobId: job.id,
        fingerprint: claim.fingerprint,
        expiresAt: job.expiresAt,
        // The key's scope is its principal: found (erased, handed over) through the owner index.
        ownerId: claim.scope,
        [OWNER_SORT]: `idem#${claim.key}`,
      },
      // DynamoDB deletes expired items up to days late: an expired record counts as absent.
      ConditionExpression:
        'attribute_not_exists(#pk) OR expiresAt <= :nowSeconds' +
        (staleJobId ? ' OR jobId = :staleJobId' : ''),
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: {
        ':nowSeconds': this.table.nowSeconds(),
        ...(staleJobId && { ':staleJobId': staleJobId }),
      },
    };
  }

  private async read(key: IdempotencyKey): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({
        TableName: this.table.name,
        Key: idempotencyKey(key),
        ConsistentRead: true,
      }),
    );
    if (!Item || (Item.expiresAt as number) <= this.table.nowSeconds()) return undefined;
    return { jobId: Item.jobId as string, fingerprint: Item.fingerprint as string };
  }
}
