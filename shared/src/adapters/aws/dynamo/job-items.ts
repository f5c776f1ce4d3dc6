import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  isSettled,
  type Feedback,
  type JobRecord,
  type Settlement,
  type StoppedCall,
} from '../../../domain/job.js';
import type { ClaimResult, FeedbackResult, SettleOptions } from '../../../domain/ports.js';
import { applySettlement, isOverdue, maySettle } from '../../../domain/transitions.js';
import { batchGet } from './batches.js';
import { jobKey, liveRecord, PK, withoutKey, type Table } from './table.js';

/** Conditional writes that lost a race are tried again this many times. */
export const WRITE_ATTEMPTS = 5;

/** Claimed jobs remembered for their settlement; a worker holds far fewer at once. */
const CLAIMED_CACHE_SIZE = 1000;

/**
 * The job items (`job#<id>`): every state change is a conditional write, so a redelivered or
 * duplicated message can never overwrite a settled job or move a job backwards.
 */
export class JobItems {
  /**
   * The state each job this store claimed was left in, so settling it needs no read first: the
   * settle's condition (same status, same deliveries) proves nothing changed since.
   */
  private readonly claimed = new Map<string, JobRecord>();

  constructor(private readonly table: Table) {}

  /** The put of a new job: it must not exist yet. */
  put(job: JobRecord) {
    return {
      TableName: this.table.name,
      Item: { ...jobKey(job.id), ...job },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': PK },
    };
  }

  async create(job: JobRecord): Promise<void> {
    await this.table.client.send(new PutCommand(this.put(job)));
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.name, Key: jobKey(id), ConsistentRead: true }),
    );
    return liveRecord<JobRecord>(this.table, Item);
  }

  /** The jobs with these ids that exist, in the order asked. */
  async getMany(ids: readonly string[]): Promise<JobRecord[]> {
    const found = new Map<string, JobRecord>();
    for (const item of await batchGet(this.table, ids.map(jobKey))) {
      const job = liveRecord<JobRecord>(this.table, item);
      if (job) found.set(job.id, job);
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimResult> {
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: jobKey(id),
          UpdateExpression:
            'SET #status = :running, leaseUntil = :lease, updatedAt = :now, deliveries = deliveries + :one',
          // Queued, or running under a lease that has run out (its worker died); never past the deadline.
          ConditionExpression:
            'attribute_exists(#pk) AND deadlineAt > :now AND (#status = :queued OR ' +
            '(#status = :running AND (attribute_type(leaseUntil, :null) OR leaseUntil <= :now)))',
          ExpressionAttributeNames: { '#pk': PK, '#status': 'status' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':queued': 'queued',
            ':lease': leaseUntil.toISOString(),
            ':now': now.toISOString(),
            ':one': 1,
            ':null': 'NULL',
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const job = withoutKey<JobRecord>(Attributes);
      this.remember(job);
      return { outcome: 'claimed', job };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Why the claim was refused. Jobs only move forward, so this read explains it (or shows a
    // later state that explains it just as well).
    const job = await this.get(id);
    if (!job) return { outcome: 'missing' };
    if (isSettled(job.status)) return { outcome: 'settled', job };
    if (isOverdue(job, now)) return { outcome: 'overdue', job };
    return { outcome: 'busy', job };
  }

  /**
   * Keeps a running job's lease ahead of the clock while its worker is alive (the worker's
   * heartbeat), so a slow provider call is never taken over by a second worker. False when the
   * job is no longer running, is past its deadline, or already holds a longer lease.
   */
  async renewLease(id: string, now: Date, leaseUntil: Date): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: jobKey(id),
          UpdateExpression: 'SET leaseUntil = :lease',
          ConditionExpression: '#status = :running AND deadlineAt > :now AND leaseUntil < :lease',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':now': now.toISOString(),
            ':lease': leaseUntil.toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async settle(
    id: string,
    settlement: Settlement,
    now: Date,
    options: SettleOptions,
  ): Promise<JobRecord | undefined> {
    let job = this.claimed.get(id) ?? (await this.get(id));
    this.claimed.delete(id);
    for (let attempt = 1; job && attempt <= WRITE_ATTEMPTS; attempt++) {
      if (!maySettle(job, now, options)) return undefined;
      const settled = applySettlement(job, settlement, now);
      try {
        // Written only over the exact state it was computed from: `deliveries` grows with every
        // claim and `status` changes on settling, so any write in between fails this condition.
        await this.table.client.send(
          new PutCommand({
            TableName: this.table.name,
            Item: { ...jobKey(id), ...settled },
            // The owner too: a claim that handed the job over since must not be undone (a job
            // stored before owners were recorded has none).
            ConditionExpression:
              '#status = :status AND deliveries = :deliveries AND ' +
              (job.ownerId === undefined ? 'attribute_not_exists(ownerId)' : 'ownerId = :owner') +
              (options.beforeDeadline ? ' AND deadlineAt > :now' : ''),
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': job.status,
              ':deliveries': job.deliveries,
              ...(job.ownerId !== undefined && { ':owner': job.ownerId }),
              ...(options.beforeDeadline && { ':now': now.toISOString() }),
            },
          }),
        );
        return settled;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      job = await this.get(id);
    }
    return undefined;
  }

  /**
   * One conditional update: the job must be cancelled or failed and carry no usage yet (and, with
   * a partial answer, be cancelled without one).
   */
  async recordStoppedCall(
    id: string,
    call: StoppedCall,
    now: Date,
  ): Promise<JobRecord | undefined> {
    const sets = ['attempts = attempts + :attempts', '#usage = :usage', 'updatedAt = :now'];
    const names: Record<string, string> = { '#pk': PK, '#status': 'status', '#usage': 'usage' };
    const values: Record<string, unknown> = {
      ':attempts': call.attempts,
      ':usage': call.usage,
      ':now': now.toISOString(),
      ':cancelled': 'cancelled',
      ':failed': 'failed',
      ':null': 'NULL',
    };
    let condition =
      'attribute_exists(#pk) AND #status IN (:cancelled, :failed) AND ' +
      '(attribute_not_exists(#usage) OR attribute_type(#usage, :null))';
    for (const field of ['provider', 'model', 'partialAnswer'] as const) {
      if (!call[field]) continue;
      sets.push(`#${field} = :${field}`);
      names[`#${field}`] = field;
      values[`:${field}`] = call[field];
    }
    if (call.partialAnswer) {
      condition +=
        ' AND #status = :cancelled AND ' +
        '(attribute_not_exists(#partialAnswer) OR attribute_type(#partialAnswer, :null))';
    }
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: jobKey(id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return withoutKey<JobRecord>(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async setFeedback(id: string, feedback: Feedback, now: Date): Promise<FeedbackResult> {
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: jobKey(id),
          UpdateExpression: 'SET feedback = :feedback',
          ConditionExpression: '#status = :completed AND expiresAt > :nowSeconds',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':feedback': feedback,
            ':completed': 'completed',
            ':nowSeconds': Math.floor(now.getTime() / 1000),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { outcome: 'given', job: withoutKey<JobRecord>(Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const job = await this.get(id);
    return job ? { outcome: 'not_completed', job } : { outcome: 'missing' };
  }

  async delete(id: string): Promise<void> {
    await this.table.client.send(
      new DeleteCommand({ TableName: this.table.name, Key: jobKey(id) }),
    );
    this.claimed.delete(id);
  }

  /** These jobs were deleted by other means (a batch): forget their claims. */
  forgetClaims(ids: readonly string[]): void {
    for (const id of ids) this.claimed.delete(id);
  }

  private remember(job: JobRecord): void {
    this.claimed.delete(job.id);
    this.claimed.set(job.id, job);
    // Jobs whose settlement never came (their worker gave up on them) age out, oldest first.
    if (this.claimed.size > CLAIMED_CACHE_SIZE) {
      this.claimed.delete(this.claimed.keys().next().value as string);
    }
  }
}
