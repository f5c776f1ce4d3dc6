import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyConflictError } from '../../domain/errors.js';
import type { ConversationRecord } from '../../domain/conversation.js';
import { isSettled, type Feedback, type JobRecord, type Settlement } from '../../domain/job.js';
import type {
  ClaimResult,
  FeedbackResult,
  IdempotencyClaim,
  IdempotencyKey,
  JobStore,
  SettleOptions,
  TurnResult,
  TurnWrite,
} from '../../domain/ports.js';
import { applySettlement, isOverdue, maySettle } from '../../domain/transitions.js';
import { jobsTable } from './resources.js';
import { SettlementPoller } from './settlement-poller.js';

export interface DynamoJobStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /**
   * Backoff of the settlement wait's reads. Default: 100 ms growing to 250 ms, so an answer is
   * seen about 125 ms after it is stored, for at most 4 item reads a second per waiting client.
   */
  waitPolling?: { initialDelayMs: number; maxDelayMs: number };
  now?: () => Date;
}

const PK = jobsTable.partitionKey;
const jobKey = (id: string) => ({ [PK]: `job#${id}` });
/** One record per caller and key: `idem#<scope>#<key>`, the scope encoded so it holds no `#`. */
const idempotencyKey = ({ scope, key }: IdempotencyKey) => ({
  [PK]: `idem#${encodeURIComponent(scope)}#${key}`,
});
const conversationKey = (id: string) => ({ [PK]: `conv#${id}` });

/** Conditional writes that lost a race are tried again this many times. */
const WRITE_ATTEMPTS = 5;
/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_LIMIT = 100;
/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_LIMIT = 25;
/** A batch write whose items stay unprocessed (throttled) is sent this many times, then fails. */
const BATCH_WRITE_ATTEMPTS = 8;
type BatchWriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/** Claimed jobs remembered for their settlement; a worker holds far fewer at once. */
const CLAIMED_CACHE_SIZE = 1000;

/**
 * The production job store: one DynamoDB table, one item per job (`job#<id>`), one per caller
 * and Idempotency-Key (`idem#<scope>#<key>`) and one per conversation (`conv#<id>`: its
 * settings, `lastTurn` and the ordered job ids of its turns). Every state change is a
 * conditional write, so a redelivered or
 * duplicated message can never overwrite a settled job or move a job backwards.
 */
export class DynamoJobStore implements JobStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly now: () => Date;
  private readonly poller: SettlementPoller;
  /**
   * The state each job this store claimed was left in, so settling it needs no read first: the
   * settle's condition (same status, same deliveries) proves nothing changed since.
   */
  private readonly claimed = new Map<string, JobRecord>();

  constructor(options: DynamoJobStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.now = options.now ?? (() => new Date());
    this.poller = new SettlementPoller({
      read: (ids) => this.readMany(ids),
      ...(options.waitPolling ?? { initialDelayMs: 100, maxDelayMs: 250 }),
    });
  }

  async create(
    job: JobRecord,
    claim?: IdempotencyClaim,
  ): Promise<{ job: JobRecord; created: boolean }> {
    if (!claim) {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...jobKey(job.id), ...job },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
      return { job, created: true };
    }
    // An idempotency record whose job is gone (TTL) may be taken over, as if it had expired.
    let staleJobId: string | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.createWithKey(job, claim, staleJobId);
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
        const earlier = await this.readIdempotencyRecord(claim);
        if (!earlier) continue; // expired and deleted in between: try again
        if (earlier.fingerprint !== claim.fingerprint)
          throw new IdempotencyConflictError(claim.key);
        const earlierJob = await this.get(earlier.jobId);
        if (earlierJob) return { job: earlierJob, created: false };
        staleJobId = earlier.jobId;
      }
    }
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: jobKey(id), ConsistentRead: true }),
    );
    return this.toRecord(Item);
  }

  async claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimResult> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
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
      const job = this.strip(Attributes);
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
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
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
        await this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...jobKey(id), ...settled },
            ConditionExpression:
              '#status = :status AND deliveries = :deliveries' +
              (options.beforeDeadline ? ' AND deadlineAt > :now' : ''),
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': job.status,
              ':deliveries': job.deliveries,
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

  async waitUntilSettled(id: string, timeoutMs: number): Promise<JobRecord | undefined> {
    const job = await this.get(id);
    if (!job || isSettled(job.status)) return job;
    return (await this.poller.wait(id, timeoutMs)) ?? this.get(id);
  }

  /**
   * The job first (with its Idempotency-Key record, as `create` writes them), then the
   * conversation's next state by a single-item conditional put: that put decides which of racing
   * turns wins, and a loser's job is deleted again. One item decides rather than a transaction
   * over all three, so the race is settled by the simplest write DynamoDB (and any local stand-in)
   * makes atomic. A crash between the two writes leaves a job no conversation lists and no message
   * announces: it expires unseen.
   *
   * The first turn of a new conversation has no rival (both ids are fresh random UUIDs), so
   * without an Idempotency-Key its job and conversation go out as one BatchWriteItem: one round
   * trip on the sync ask's path instead of two.
   */
  async startTurn(job: JobRecord, write: TurnWrite, claim?: IdempotencyClaim): Promise<TurnResult> {
    if (!claim && write.expectedLastTurn === 0) {
      await this.batchWrite([
        { PutRequest: { Item: { ...jobKey(job.id), ...job } } },
        {
          PutRequest: {
            Item: { ...conversationKey(write.conversation.id), ...write.conversation },
          },
        },
      ]);
      return { outcome: 'created', job };
    }
    if (claim) {
      const stored = await this.create(job, claim);
      if (!stored.created) return { outcome: 'replayed', job: stored.job };
    } else {
      await this.client.send(new PutCommand(this.jobPut(job)));
    }
    try {
      await this.client.send(new PutCommand(this.conversationPut(write)));
      return { outcome: 'created', job };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    await this.discard(job, claim);
    const conversation = await this.getConversation(write.conversation.id);
    return conversation ? { outcome: 'taken', conversation } : { outcome: 'missing' };
  }

  async findByIdempotencyKey(claim: IdempotencyClaim): Promise<JobRecord | undefined> {
    const earlier = await this.readIdempotencyRecord(claim);
    if (!earlier) return undefined;
    if (earlier.fingerprint !== claim.fingerprint) throw new IdempotencyConflictError(claim.key);
    return this.get(earlier.jobId);
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: conversationKey(id), ConsistentRead: true }),
    );
    if (!Item || (Item.expiresAt as number) <= this.nowSeconds()) return undefined;
    const { [PK]: _key, ...conversation } = Item;
    return conversation as ConversationRecord;
  }

  /** Consistent batch reads, retried for the keys DynamoDB left unprocessed. */
  async getMany(ids: readonly string[]): Promise<JobRecord[]> {
    const found = new Map<string, JobRecord>();
    for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = ids
        .slice(start, start + BATCH_GET_LIMIT)
        .map(jobKey);
      for (let attempt = 1; keys?.length; attempt++) {
        if (attempt > 1) await sleep(20 * attempt);
        const response: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of response.Responses?.[this.table] ?? []) {
          const job = this.toRecord(item);
          if (job) found.set(job.id, job);
        }
        keys = response.UnprocessedKeys?.[this.table]?.Keys;
      }
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /**
   * Deletes the conversation item first (atomically handing back the job ids it held at that
   * instant, so a turn written just before is deleted too and none can be written after), then
   * its jobs.
   */
  async deleteConversation(id: string): Promise<ConversationRecord | undefined> {
    let Attributes: Record<string, unknown> | undefined;
    try {
      ({ Attributes } = await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: conversationKey(id),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ReturnValues: 'ALL_OLD',
        }),
      ));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    const { [PK]: _key, ...conversation } = Attributes ?? {};
    const deleted = conversation as unknown as ConversationRecord;
    for (let start = 0; start < deleted.jobIds.length; start += BATCH_WRITE_LIMIT) {
      await this.batchWrite(
        deleted.jobIds
          .slice(start, start + BATCH_WRITE_LIMIT)
          .map((jobId) => ({ DeleteRequest: { Key: jobKey(jobId) } })),
      );
    }
    for (const jobId of deleted.jobIds) this.claimed.delete(jobId);
    return deleted.expiresAt > this.nowSeconds() ? deleted : undefined;
  }

  async setFeedback(id: string, feedback: Feedback, now: Date): Promise<FeedbackResult> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
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
      return { outcome: 'given', job: this.strip(Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const job = await this.get(id);
    return job ? { outcome: 'not_completed', job } : { outcome: 'missing' };
  }

  /** Up to 25 puts and deletes, with what DynamoDB left unprocessed (throttling) sent again. */
  private async batchWrite(requests: BatchWriteRequest[]): Promise<void> {
    let pending: BatchWriteRequest[] | undefined = requests;
    for (let attempt = 1; pending?.length; attempt++) {
      if (attempt > BATCH_WRITE_ATTEMPTS) {
        throw new Error(`DynamoDB left ${pending.length} writes unprocessed ${attempt - 1} times`);
      }
      if (attempt > 1) await sleep(20 * attempt);
      const { UnprocessedItems } = await this.client.send(
        new BatchWriteCommand({ RequestItems: { [this.table]: pending } }),
      );
      pending = UnprocessedItems?.[this.table] as BatchWriteRequest[] | undefined;
    }
  }

  /** The conversation's next state, written only over the state it was computed from. */
  private conversationPut(write: TurnWrite) {
    const isNew = write.expectedLastTurn === 0;
    return {
      TableName: this.table,
      Item: { ...conversationKey(write.conversation.id), ...write.conversation },
      ConditionExpression: isNew
        ? 'attribute_not_exists(#pk)'
        : 'attribute_exists(#pk) AND lastTurn = :expected AND expiresAt > :nowSeconds',
      ExpressionAttributeNames: { '#pk': PK },
      ...(!isNew && {
        ExpressionAttributeValues: {
          ':expected': write.expectedLastTurn,
          ':nowSeconds': this.nowSeconds(),
        },
      }),
    };
  }

  /** Deletes the job of a turn that lost its race, and its Idempotency-Key record. */
  private async discard(job: JobRecord, claim: IdempotencyClaim | undefined): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: jobKey(job.id) }));
    if (!claim) return;
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: idempotencyKey(claim),
          ConditionExpression: 'jobId = :jobId',
          ExpressionAttributeValues: { ':jobId': job.id },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private jobPut(job: JobRecord) {
    return {
      TableName: this.table,
      Item: { ...jobKey(job.id), ...job },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': PK },
    };
  }

  private idempotencyPut(job: JobRecord, claim: IdempotencyClaim, staleJobId: string | undefined) {
    return {
      TableName: this.table,
      Item: {
        ...idempotencyKey(claim),
        jobId: job.id,
        fingerprint: claim.fingerprint,
        expiresAt: job.expiresAt,
      },
      // DynamoDB deletes expired items up to days late: an expired record counts as absent.
      ConditionExpression:
        'attribute_not_exists(#pk) OR expiresAt <= :nowSeconds' +
        (staleJobId ? ' OR jobId = :staleJobId' : ''),
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: {
        ':nowSeconds': this.nowSeconds(),
        ...(staleJobId && { ':staleJobId': staleJobId }),
      },
    };
  }

  private async createWithKey(
    job: JobRecord,
    claim: IdempotencyClaim,
    staleJobId: string | undefined,
  ): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: this.idempotencyPut(job, claim, staleJobId) },
          { Put: this.jobPut(job) },
        ],
      }),
    );
  }

  private async readIdempotencyRecord(
    key: IdempotencyKey,
  ): Promise<{ jobId: string; fingerprint: string } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: idempotencyKey(key), ConsistentRead: true }),
    );
    if (!Item || (Item.expiresAt as number) <= this.nowSeconds()) return undefined;
    return { jobId: Item.jobId as string, fingerprint: Item.fingerprint as string };
  }

  /** Eventually consistent batch read for the settlement wait: a stale answer costs one more check. */
  private async readMany(ids: readonly string[]): Promise<Map<string, JobRecord>> {
    const jobs = new Map<string, JobRecord>();
    for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
      const keys = ids.slice(start, start + BATCH_GET_LIMIT).map(jobKey);
      const { Responses } = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } }),
      );
      // Unprocessed keys (throttling) are simply checked again at the next tick.
      for (const item of Responses?.[this.table] ?? []) {
        const job = this.toRecord(item);
        if (job) jobs.set(job.id, job);
      }
    }
    return jobs;
  }

  /** A job past its TTL is gone, whether or not DynamoDB has deleted it yet. */
  private toRecord(item: Record<string, unknown> | undefined): JobRecord | undefined {
    if (!item) return undefined;
    const job = this.strip(item);
    return job.expiresAt > this.nowSeconds() ? job : undefined;
  }

  private strip(item: Record<string, unknown> | undefined): JobRecord {
    const { [PK]: _key, ...job } = item ?? {};
    return job as unknown as JobRecord;
  }

  private remember(job: JobRecord): void {
    this.claimed.delete(job.id);
    this.claimed.set(job.id, job);
    // Jobs whose settlement never came (their worker gave up on them) age out, oldest first.
    if (this.claimed.size > CLAIMED_CACHE_SIZE) {
      this.claimed.delete(this.claimed.keys().next().value as string);
    }
  }

  private nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }
}
