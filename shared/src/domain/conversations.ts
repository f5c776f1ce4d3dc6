import {
  toConversationSummary,
  toPublicConversation,
  type ConversationRecord,
  type ConversationSummary,
  type DataExport,
} from './conversation.js';
import { ClaimNotAllowedError, InvalidCursorError } from './errors.js';
import type { JobRecord } from './job.js';
import type { JobService } from './job-service.js';
import { owns } from './ownership.js';
import { turnBefore, turnCursor, type Page, type PageOf } from './pages.js';
import type { Principal } from './principal.js';
import type { JobStore, Logger } from './ports.js';

/** Turns a conversation read shows by default: the latest 50. */
export const DEFAULT_TURNS_PAGE = 50;
/** Conversations a list page holds by default, and at most. */
export const DEFAULT_CONVERSATIONS_PAGE = 20;
export const MAX_PAGE = 100;
/** Longer than a worker takes to hear of a cancel and stop publishing (milliseconds, normally). */
const LATE_EVENTS_MS = 5000;

/** A conversation and one page of its turns (the latest ones, or those before a cursor). */
export interface ConversationPage {
  conversation: ConversationRecord;
  turns: JobRecord[];
  /** The cursor of the earlier turns; undefined when `turns` starts at the first. */
  next: string | undefined;
}

export interface ConversationsOptions {
  store: JobStore;
  jobs: JobService;
  logger: Logger;
  now?: () => Date;
}

/**
 * A principal's conversations: read one (a page of turns at a time), list them, erase one or
 * all, export them, and take over a guest's at sign-in. Only the owner's are ever seen
 * (ownership.ts).
 */
export class Conversations {
  constructor(private readonly options: ConversationsOptions) {}

  /**
   * One of the principal's conversations with a page of its turns in order: the latest `limit`
   * (50 by default), or those before `cursor`. Undefined when they have no such conversation;
   * InvalidCursorError for a cursor no page of it handed out.
   */
  async get(
    id: string,
    principal: Principal,
    page: Partial<Page> = {},
  ): Promise<ConversationPage | undefined> {
    const conversation = await this.options.store.getConversation(id);
    if (!conversation || !owns(principal, conversation)) return undefined;
    const count = conversation.jobIds.length;
    const before = page.cursor === undefined ? count + 1 : turnBefore(page.cursor);
    if (before < 1 || before > count + 1) throw new InvalidCursorError();
    const from = Math.max(1, before - (page.limit ?? DEFAULT_TURNS_PAGE));
    return {
      conversation,
      turns: await this.options.jobs.getMany(conversation.jobIds.slice(from - 1, before - 1)),
      next: from > 1 ? turnCursor(from) : undefined,
    };
  }

  /** The principal's conversations, most recently updated first, a page at a time. */
  async list(principal: Principal, page: Page): Promise<PageOf<ConversationSummary>> {
    const { items, next } = await this.options.store.listConversations(principal.id, page);
    return { items: items.map(toConversationSummary), next };
  }

  /**
   * Erases one of the principal's conversations: its pending turn is cancelled first (its worker
   * stops the provider call), then the conversation and every job of it are deleted and their
   * events forgotten. The conversation deleted; undefined when they have no such conversation.
   */
  async delete(id: string, principal: Principal): Promise<ConversationRecord | undefined> {
    const conversation = await this.options.store.getConversation(id);
    if (!conversation || !owns(principal, conversation)) return undefined;
    const latest = conversation.jobIds.at(-1);
    if (latest) await this.options.jobs.cancel(latest, principal);
    await this.options.jobs.forgetCachedAnswer(conversation);
    const deleted = await this.options.store.deleteConversation(id);
    if (!deleted) return undefined;
    await this.options.jobs.forgetEvents(deleted.jobIds);
    if (latest) {
      // A worker answering the cancelled turn may have had an event on its way when the log was
      // dropped: forget it again once that has landed, so nothing of it stays behind.
      setTimeout(() => void this.options.jobs.forgetEvents([latest]), LATE_EVENTS_MS).unref();
    }
    this.options.logger.info(
      { conversationId: id, turns: deleted.jobIds.length },
      'conversation deleted',
    );
    return deleted;
  }

  /** Every conversation of the principal's with every turn, oldest turn first. */
  async export(principal: Principal): Promise<DataExport> {
    const conversations: DataExport['conversations'] = [];
    for await (const conversation of this.all(principal)) {
      const turns = await this.options.jobs.getMany(conversation.jobIds);
      conversations.push(toPublicConversation(conversation, turns));
    }
    return {
      exportedAt: (this.options.now?.() ?? new Date()).toISOString(),
      user: { id: principal.id, kind: principal.kind },
      conversations,
    };
  }

  /**
   * Erases everything the principal has: each conversation as `delete` does (pending turns
   * cancelled first, events forgotten), then whatever else the store holds of theirs
   * (Idempotency-Key records, a conversation started meanwhile). What was erased.
   */
  async erase(principal: Principal): Promise<{ conversations: number; jobs: number }> {
    const ids: string[] = [];
    for await (const conversation of this.all(principal)) ids.push(conversation.id);
    const erased: ConversationRecord[] = [];
    for (const id of ids) {
      const deleted = await this.delete(id, principal);
      if (deleted) erased.push(deleted);
    }
    for (const straggler of await this.options.store.eraseOwner(principal.id)) {
      await this.options.jobs.forgetEvents(straggler.jobIds);
      erased.push(straggler);
    }
    // The quota counters name the principal: they go too.
    await this.options.jobs.quotas?.erase(principal.id);
    const conversations = erased.length;
    const jobs = erased.reduce((sum, conversation) => sum + conversation.jobIds.length, 0);
    this.options.logger.info({ conversations, jobs }, 'all data of the principal erased');
    return { conversations, jobs };
  }

  /**
   * A signed-in user takes over a guest's conversations (with their turns and Idempotency-Keys),
   * as the page does at sign-in so nothing asked as a guest is lost. Idempotent: how many
   * conversations changed hands this time.
   */
  async claim(user: Principal, guest: Principal): Promise<number> {
    if ((user.kind !== 'student' && user.kind !== 'teacher') || guest.kind !== 'guest') {
      throw new ClaimNotAllowedError();
    }
    const moved = await this.options.store.transferOwner(guest.id, user.id);
    this.options.logger.info({ guestId: guest.id, conversations: moved }, 'guest data claimed');
    return moved;
  }

  /** Every conversation of the principal's, page by page. */
  private async *all(principal: Principal): AsyncIterable<ConversationRecord> {
    let cursor: string | undefined;
    do {
      const page = await this.options.store.listConversations(principal.id, {
        limit: MAX_PAGE,
        cursor,
      });
      yield* page.items;
      cursor = page.next;
    } while (cursor);
  }
}
