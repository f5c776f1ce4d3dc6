import { setTimeout as sleep } from 'node:timers/promises';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConversationRecord } from '../../../domain/conversation.js';
import {
  conversationAfter,
  conversationCursor,
  type Page,
  type PageOf,
} from '../../../domain/pages.js';
import { jobsTable } from '../resources.js';
import { record, type ConversationItems } from './conversation-items.js';
import { conversationKey, jobKey, OWNER_SORT, PK, type Table } from './table.js';

const INDEX = jobsTable.ownerIndex;
const CONVERSATIONS = 'conv#';
/** Items handled per round of an erasure or a hand-over (one query page). */
const ROUND = 100;
/** How long the index may still show items already handled: 50 × 100 ms. */
const INDEX_LAG_ROUNDS = 50;
const INDEX_LAG_WAIT_MS = 100;

/**
 * What a principal owns, through the table's owner index (`by-owner`: `ownerId`, then
 * `ownerSort`): their conversations, most recently updated first, and their Idempotency-Key
 * records. Queries only, never a scan. The index is eventually consistent: a conversation
 * started a moment ago may show in the list a moment later.
 */
export class OwnerItems {
  constructor(
    private readonly table: Table,
    private readonly conversations: ConversationItems,
  ) {}

  async listConversations(ownerId: string, page: Page): Promise<PageOf<ConversationRecord>> {
    const after = page.cursor === undefined ? undefined : conversationAfter(page.cursor);
    const { Items = [] } = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: INDEX.name,
        KeyConditionExpression: '#owner = :owner AND begins_with(#sort, :conversations)',
        ExpressionAttributeNames: { '#owner': INDEX.partitionKey, '#sort': INDEX.sortKey },
        ExpressionAttributeValues: { ':owner': ownerId, ':conversations': CONVERSATIONS },
        ScanIndexForward: false,
        // One more than the page: whether there is a next page is known without another query.
        Limit: page.limit + 1,
        ...(after && {
          ExclusiveStartKey: {
            [PK]: conversationKey(after.slice(after.lastIndexOf('#') + 1))[PK],
            [INDEX.partitionKey]: ownerId,
            [INDEX.sortKey]: after,
          },
        }),
      }),
    );
    const nowSeconds = this.table.nowSeconds();
    const found = Items.map(record);
    const items = found.slice(0, page.limit).filter((item) => item.expiresAt > nowSeconds);
    const last = found[page.limit - 1];
    return {
      items,
      next: found.length > page.limit && last ? conversationCursor(last) : undefined,
    };
  }

  /**
   * Deletes every conversation of the owner (with its jobs) and every Idempotency-Key record of
   * theirs, a query page at a time until the index holds nothing of theirs.
   */
  async erase(ownerId: string): Promise<ConversationRecord[]> {
    const erased: ConversationRecord[] = [];
    await this.eachItem(ownerId, async (item) => {
      if (String(item[OWNER_SORT]).startsWith(CONVERSATIONS)) {
        const deleted = await this.conversations.delete(String(item.id));
        if (deleted) erased.push(deleted);
      } else {
        await this.table.client.send(
          new DeleteCommand({ TableName: this.table.name, Key: { [PK]: item[PK] } }),
        );
      }
    });
    return erased;
  }

  /** Hands every conversation (and its jobs) and Idempotency-Key record of `from` to `to`. */
  async transfer(from: string, to: string): Promise<number> {
    let moved = 0;
    await this.eachItem(from, async (item) => {
      const isConversation = String(item[OWNER_SORT]).startsWith(CONVERSATIONS);
      // The jobs first: a conversation is handed over once all of its turns are.
      if (isConversation) {
        for (const jobId of record(item).jobIds) await this.setOwner(jobKey(jobId), from, to);
      }
      if ((await this.setOwner({ [PK]: item[PK] }, from, to)) && isConversation) moved++;
    });
    return moved;
  }

  /**
   * Hands each of the owner's items to `handle` (which takes it out of the owner's part of the
   * index), querying again until that part is empty. The index lags the table a little: items
   * already handled that still show are waited out, for a bounded time.
   */
  private async eachItem(
    ownerId: string,
    handle: (item: Record<string, unknown>) => Promise<void>,
  ): Promise<void> {
    const handled = new Set<unknown>();
    let lagging = 0;
    for (let items = await this.some(ownerId); items.length > 0; items = await this.some(ownerId)) {
      const fresh = items.filter((item) => !handled.has(item[PK]));
      if (fresh.length === 0) {
        if (++lagging > INDEX_LAG_ROUNDS) return;
        await sleep(INDEX_LAG_WAIT_MS);
        continue;
      }
      lagging = 0;
      for (const item of fresh) {
        handled.add(item[PK]);
        await handle(item);
      }
    }
  }

  /** A page of the owner's items in the index (conversations and Idempotency-Key records). */
  private async some(ownerId: string): Promise<Record<string, unknown>[]> {
    const { Items = [] } = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: INDEX.name,
        KeyConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': INDEX.partitionKey },
        ExpressionAttributeValues: { ':owner': ownerId },
        Limit: ROUND,
      }),
    );
    return Items;
  }

  /** Sets an item's owner if it is still `from`'s; false when it was not (or is gone). */
  private async setOwner(key: Record<string, unknown>, from: string, to: string) {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: key,
          UpdateExpression: 'SET #owner = :to',
          ConditionExpression: '#owner = :from',
          ExpressionAttributeNames: { '#owner': INDEX.partitionKey },
          ExpressionAttributeValues: { ':from': from, ':to': to },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
