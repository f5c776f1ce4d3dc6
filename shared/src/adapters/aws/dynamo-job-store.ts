import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConversationRecord } from '../../domain/conversation.js';
import type { Feedback, JobRecord, Settlement, StoppedCall } from '../../domain/job.js';
import type { Page, PageOf } from '../../domain/pages.js';
import type {
  ClaimResult,
  FeedbackResult,
  IdempotencyClaim,
  JobStore,
  SettleOptions,
  TurnResult,
  TurnWrite,
} from '../../domain/ports.js';
import { batchWrite } from './dynamo/batches.js';
import { ConversationItems } from './dynamo/conversation-items.js';
import { IdempotencyRecords } from './dynamo/idempotency-records.js';
import { JobItems } from './dynamo/job-items.js';
import { OwnerItems } from './dynamo/owner-items.js';
import { jobKey, type Table } from './dynamo/table.js';

export interface DynamoJobStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  now?: () => Date;
}

/**
 * The production job store: one DynamoDB table holding three kinds of item, each in its own
 * module under `dynamo/`: jobs (`job#<id>`), Idempotency-Key records (`idem#<scope>#<key>`) and
 * conversations (`conv#<id>`), with what each principal owns found through the owner index
 * (`dynamo/owner-items.ts`). This class puts them together behind the JobStore port.
 */
export class DynamoJobStore implements JobStore {
  private readonly jobs: JobItems;
  private readonly keys: IdempotencyRecords;
  private readonly conversations: ConversationItems;
  private readonly owners: OwnerItems;
  private readonly table: Table;

  constructor(options: DynamoJobStoreOptions) {
    const now = options.now ?? (() => new Date());
    this.table = {
      client: options.client,
      name: options.tableName,
      nowSeconds: () => Math.floor(now().getTime() / 1000),
    };
    this.jobs = new JobItems(this.table);
    this.keys = new IdempotencyRecords(this.table, this.jobs);
    this.conversations = new ConversationItems(this.table);
    this.owners = new OwnerItems(this.table, this.conversations);
  }

  async create(
    job: JobRecord,
    claim?: IdempotencyClaim,
  ): Promise<{ job: JobRecord; created: boolean }> {
    if (claim) return this.keys.createJob(job, claim);
    await this.jobs.create(job);
    return { job, created: true };
  }

  get(id: string): Promise<JobRecord | undefined> {
    return this.jobs.get(id);
  }

  getMany(ids: readonly string[]): Promise<JobRecord[]> {
    return this.jobs.getMany(ids);
  }

  claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimResult> {
    return this.jobs.claim(id, now, leaseUntil);
  }

  /** The worker's heartbeat: see JobItems.renewLease. */
  renewLease(id: string, now: Date, leaseUntil: Date): Promise<boolean> {
    return this.jobs.renewLease(id, now, leaseUntil);
  }

  settle(
    id: string,
    settlement: Settlement,
    now: Date,
    options: SettleOptions,
  ): Promise<JobRecord | undefined> {
    return this.jobs.settle(id, settlement, now, options);
  }

  recordStoppedCall(id: string, call: StoppedCall, now: Date): Promise<JobRecord | undefined> {
    return this.jobs.recordStoppedCall(id, call, now);
  }

  setFeedback(id: string, feedback: Feedback, now: Date): Promise<FeedbackResult> {
    return this.jobs.setFeedback(id, feedback, now);
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
      await batchWrite(this.table, [
        { PutRequest: { Item: { ...jobKey(job.id), ...job } } },
        { PutRequest: { Item: this.conversations.item(write) } },
      ]);
      return { outcome: 'created', job };
    }
    const stored = await this.create(job, claim);
    if (!stored.created) return { outcome: 'replayed', job: stored.job };
    if (await this.conversations.advance(write)) return { outcome: 'created', job };
    await this.jobs.delete(job.id);
    if (claim) await this.keys.discard(claim, job.id);
    const conversation = await this.conversations.get(write.conversation.id);
    return conversation ? { outcome: 'taken', conversation } : { outcome: 'missing' };
  }

  findByIdempotencyKey(claim: IdempotencyClaim): Promise<JobRecord | undefined> {
    return this.keys.findJob(claim);
  }

  getConversation(id: string): Promise<ConversationRecord | undefined> {
    return this.conversations.get(id);
  }

  async deleteConversation(id: string): Promise<ConversationRecord | undefined> {
    const deleted = await this.conversations.delete(id);
    if (deleted) this.jobs.forgetClaims(deleted.jobIds);
    return deleted;
  }

  listConversations(ownerId: string, page: Page): Promise<PageOf<ConversationRecord>> {
    return this.owners.listConversations(ownerId, page);
  }

  async eraseOwner(ownerId: string): Promise<ConversationRecord[]> {
    const erased = await this.owners.erase(ownerId);
    for (const conversation of erased) this.jobs.forgetClaims(conversation.jobIds);
    return erased;
  }

  transferOwner(from: string, to: string): Promise<number> {
    return this.owners.transfer(from, to);
  }
}
