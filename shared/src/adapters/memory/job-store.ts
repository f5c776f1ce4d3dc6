import { IdempotencyConflictError, StoreFullError } from '../../domain/errors.js';
import type { ConversationRecord } from '../../domain/conversation.js';
import {
  isSettled,
  type Feedback,
  type JobRecord,
  type Settlement,
  type StoppedCall,
} from '../../domain/job.js';
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
import {
  applySettlement,
  applyStoppedCall,
  isOverdue,
  maySettle,
  mayRecordStoppedCall,
} from '../../domain/transitions.js';
import { conversationAfter, conversationCursor, conversationSortKey } from '../../domain/pages.js';
import type { Page, PageOf } from '../../domain/pages.js';

export interface MemoryJobStoreOptions {
  /** At most this many jobs are kept; the oldest settled ones make room for new ones. */
  maxJobs: number;
  now?: () => Date;
}

/**
 * The embedded-mode job store. Records are never mutated, only replaced, so they are handed out
 * without copying (callers must not mutate them either). Bounded: jobs and conversations are
 * dropped after their TTL and, past `maxJobs` of either, the oldest settled first, so a
 * long-running embedded server does not grow without limit.
 */
export class MemoryJobStore implements JobStore {
  // Map keeps insertion order: iteration goes oldest first.
  private readonly jobs = new Map<string, JobRecord>();
  private readonly idempotency = new Map<
    string,
    { jobId: string; fingerprint: string; ownerId: string }
  >();
  private readonly keyByJob = new Map<string, string>();
  // Re-inserted on every turn, so iteration goes from the least recently continued.
  private readonly conversations = new Map<string, ConversationRecord>();
  private readonly now: () => Date;
  private nextExpirySweep = 0;

  constructor(private readonly options: MemoryJobStoreOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get size(): number {
    return this.jobs.size;
  }

  async create(
    job: JobRecord,
    claim?: IdempotencyClaim,
  ): Promise<{ job: JobRecord; created: boolean }> {
    this.evict();
    const earlier = claim && this.replay(claim);
    if (earlier) return { job: earlier, created: false };
    if (this.jobs.size >= this.options.maxJobs) throw new StoreFullError();
    this.jobs.set(job.id, job);
    if (claim) this.remember(claim, job.id);
    return { job, created: true };
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.jobs.get(id);
  }

  /** Atomic because nothing in it awaits: no other call runs between its check and its write. */
  async startTurn(job: JobRecord, write: TurnWrite, claim?: IdempotencyClaim): Promise<TurnResult> {
    this.evict();
    const earlier = claim && this.replay(claim);
    if (earlier) return { outcome: 'replayed', job: earlier };
    const current = this.liveConversation(write.conversation.id);
    if (write.expectedLastTurn > 0 && !current) return { outcome: 'missing' };
    if ((current?.lastTurn ?? 0) !== write.expectedLastTurn) {
      return current ? { outcome: 'taken', conversation: current } : { outcome: 'missing' };
    }
    if (this.jobs.size >= this.options.maxJobs) throw new StoreFullError();
    this.jobs.set(job.id, job);
    if (claim) this.remember(claim, job.id);
    this.conversations.delete(write.conversation.id);
    this.conversations.set(write.conversation.id, write.conversation);
    return { outcome: 'created', job };
  }

  async findByIdempotencyKey(claim: IdempotencyClaim): Promise<JobRecord | undefined> {
    return this.replay(claim);
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    return this.liveConversation(id);
  }

  async getMany(ids: readonly string[]): Promise<JobRecord[]> {
    return ids.flatMap((id) => this.jobs.get(id) ?? []);
  }

  async deleteConversation(id: string): Promise<ConversationRecord | undefined> {
    const conversation = this.conversations.get(id);
    if (!conversation) return undefined;
    this.conversations.delete(id);
    for (const jobId of conversation.jobIds) this.forget(jobId);
    return conversation;
  }

  async listConversations(ownerId: string, page: Page): Promise<PageOf<ConversationRecord>> {
    const after = page.cursor === undefined ? undefined : conversationAfter(page.cursor);
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const theirs = [...this.conversations.values()]
      .filter(
        (conversation) =>
          conversation.ownerId === ownerId &&
          conversation.expiresAt > nowSeconds &&
          (after === undefined || conversationSortKey(conversation) < after),
      )
      .sort((a, b) => (conversationSortKey(a) < conversationSortKey(b) ? 1 : -1));
    const items = theirs.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items,
      next: theirs.length > items.length && last ? conversationCursor(last) : undefined,
    };
  }

  async eraseOwner(ownerId: string): Promise<ConversationRecord[]> {
    const erased: ConversationRecord[] = [];
    for (const conversation of [...this.conversations.values()]) {
      if (conversation.ownerId !== ownerId) continue;
      const deleted = await this.deleteConversation(conversation.id);
      if (deleted) erased.push(deleted);
    }
    for (const job of [...this.jobs.values()]) if (job.ownerId === ownerId) this.forget(job.id);
    for (const [key, record] of [...this.idempotency]) {
      if (record.ownerId !== ownerId) continue;
      this.idempotency.delete(key);
      this.keyByJob.delete(record.jobId);
    }
    return erased;
  }

  async transferOwner(from: string, to: string): Promise<number> {
    let moved = 0;
    for (const conversation of this.conversations.values()) {
      if (conversation.ownerId !== from) continue;
      // Set on an existing key: the conversation keeps its place in the map's order.
      this.conversations.set(conversation.id, { ...conversation, ownerId: to });
      moved++;
    }
    for (const job of this.jobs.values()) {
      if (job.ownerId === from) this.jobs.set(job.id, { ...job, ownerId: to });
    }
    for (const [key, record] of this.idempotency) {
      if (record.ownerId === from) this.idempotency.set(key, { ...record, ownerId: to });
    }
    return moved;
  }

  async recordStoppedCall(id: string, call: StoppedCall, at: Date): Promise<JobRecord | undefined> {
    const job = this.jobs.get(id);
    if (!job || !mayRecordStoppedCall(job, call)) return undefined;
    const recorded = applyStoppedCall(job, call, at);
    this.jobs.set(id, recorded);
    return recorded;
  }

  async setFeedback(id: string, feedback: Feedback, _now: Date): Promise<FeedbackResult> {
    const job = this.jobs.get(id);
    if (!job) return { outcome: 'missing' };
    if (job.status !== 'completed') return { outcome: 'not_completed', job };
    const rated: JobRecord = { ...job, feedback };
    this.jobs.set(id, rated);
    return { outcome: 'given', job: rated };
  }

  private replay(claim: IdempotencyClaim): JobRecord | undefined {
    const earlier = this.idempotency.get(idempotencyRecordKey(claim));
    const earlierJob = earlier && this.jobs.get(earlier.jobId);
    if (!earlier || !earlierJob) return undefined;
    if (earlier.fingerprint !== claim.fingerprint) throw new IdempotencyConflictError(claim.key);
    return earlierJob;
  }

  private remember(claim: IdempotencyClaim, jobId: string): void {
    const recordKey = idempotencyRecordKey(claim);
    // The key's scope is its principal: the record is theirs (erased and handed over with them).
    this.idempotency.set(recordKey, {
      jobId,
      fingerprint: claim.fingerprint,
      ownerId: claim.scope,
    });
    this.keyByJob.set(jobId, recordKey);
  }

  private liveConversation(id: string): ConversationRecord | undefined {
    const conversation = this.conversations.get(id);
    return conversation && conversation.expiresAt > Math.floor(this.now().getTime() / 1000)
      ? conversation
      : undefined;
  }

  async claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimResult> {
    const job = this.jobs.get(id);
    if (!job) return { outcome: 'missing' };
    if (isSettled(job.status)) return { outcome: 'settled', job };
    if (isOverdue(job, now)) return { outcome: 'overdue', job };
    if (job.status === 'running' && job.leaseUntil && Date.parse(job.leaseUntil) > now.getTime()) {
      return { outcome: 'busy', job };
    }
    const claimed: JobRecord = {
      ...job,
      status: 'running',
      leaseUntil: leaseUntil.toISOString(),
      deliveries: job.deliveries + 1,
      updatedAt: now.toISOString(),
    };
    this.jobs.set(id, claimed);
    return { outcome: 'claimed', job: claimed };
  }

  async settle(
    id: string,
    settlement: Settlement,
    now: Date,
    options: SettleOptions,
  ): Promise<JobRecord | undefined> {
    const job = this.jobs.get(id);
    if (!job || !maySettle(job, now, options)) return undefined;
    const settled = applySettlement(job, settlement, now);
    this.jobs.set(id, settled);
    return settled;
  }

  /**
   * Drops jobs past their TTL (swept at most once a second), then, at the size cap, the oldest
   * settled jobs down to 90% of it: eviction runs once per batch, not on every create, so its
   * cost stays constant per job however full the store is.
   */
  private evict(): void {
    const now = this.now().getTime();
    if (now >= this.nextExpirySweep) {
      this.nextExpirySweep = now + 1000;
      const nowSeconds = Math.floor(now / 1000);
      // Oldest first, and every job has the same TTL: the expired ones are a prefix.
      for (const job of this.jobs.values()) {
        if (job.expiresAt > nowSeconds) break;
        this.forget(job.id);
      }
      // Least recently continued first, and each lives as long as its latest turn.
      for (const conversation of this.conversations.values()) {
        if (conversation.expiresAt > nowSeconds) break;
        this.conversations.delete(conversation.id);
      }
    }
    const { maxJobs } = this.options;
    const target = maxJobs - Math.max(1, Math.floor(maxJobs / 10));
    if (this.jobs.size >= maxJobs) {
      for (const job of this.jobs.values()) {
        if (this.jobs.size <= target) break;
        if (isSettled(job.status)) this.forget(job.id);
      }
    }
    // Each conversation has a job, so there are no more of them than jobs: the least recently
    // continued go first, but never one whose latest turn is still pending.
    if (this.conversations.size >= maxJobs) {
      for (const conversation of this.conversations.values()) {
        if (this.conversations.size <= target) break;
        const latest = this.jobs.get(conversation.jobIds.at(-1) ?? '');
        if (!latest || isSettled(latest.status)) this.conversations.delete(conversation.id);
      }
    }
  }

  private forget(id: string): void {
    this.jobs.delete(id);
    const key = this.keyByJob.get(id);
    if (key !== undefined) this.idempotency.delete(key);
    this.keyByJob.delete(id);
  }
}

/** One record per caller and key; the scope is encoded so no scope can end in another's key. */
function idempotencyRecordKey({ scope, key }: IdempotencyKey): string {
  return `${encodeURIComponent(scope)}#${key}`;
}
