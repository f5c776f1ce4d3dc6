import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConversationRecord } from '../../../domain/conversation.js';
import type { TurnWrite } from '../../../domain/ports.js';
import { BATCH_WRITE_LIMIT, batchWrite } from './batches.js';
import { conversationSortKey } from '../../../domain/pages.js';
import { conversationKey, jobKey, OWNER_SORT, PK, withoutKey, type Table } from './table.js';

/**
 * The conversation items (`conv#<id>`): a conversation's settings, its `lastTurn` and the ordered
 * job ids of its turns. The conditional put of a conversation's next state is what decides which
 * of two racing turns wins.
 */
export class ConversationItems {
  constructor(private readonly table: Table) {}

  async get(id: string): Promise<ConversationRecord | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({
        TableName: this.table.name,
        Key: conversationKey(id),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const conversation = record(Item);
    return conversation.expiresAt > this.table.nowSeconds() ? conversation : undefined;
  }

  /** The conversation's item as `write` leaves it, for a batch; in its owner's index by recency. */
  item(write: TurnWrite): Record<string, unknown> {
    return {
      ...conversationKey(write.conversation.id),
      ...write.conversation,
      [OWNER_SORT]: conversationSortKey(write.conversation),
    };
  }

  /**
   * Writes the conversation's next state only over the state it was computed from; false when
   * another turn came first (or the conversation is gone).
   */
  async advance(write: TurnWrite): Promise<boolean> {
    const isNew = write.expectedLastTurn === 0;
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.name,
          Item: this.item(write),
          // Over the state it was read in, owner included (a claim may have handed it over since).
          ConditionExpression: isNew
            ? 'attribute_not_exists(#pk)'
            : 'attribute_exists(#pk) AND lastTurn = :expected AND expiresAt > :nowSeconds AND ownerId = :owner',
          ExpressionAttributeNames: { '#pk': PK },
          ...(!isNew && {
            ExpressionAttributeValues: {
              ':expected': write.expectedLastTurn,
              ':nowSeconds': this.table.nowSeconds(),
              ':owner': write.conversation.ownerId,
            },
          }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Deletes the conversation item first (atomically handing back the job ids it held at that
   * instant, so a turn written just before is deleted too and none can be written after), then
   * its jobs. The deleted conversation, unless there was none (or only an expired one).
   */
  async delete(id: string): Promise<ConversationRecord | undefined> {
    let Attributes: Record<string, unknown> | undefined;
    try {
      ({ Attributes } = await this.table.client.send(
        new DeleteCommand({
          TableName: this.table.name,
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
    const deleted = record(Attributes);
    for (let start = 0; start < deleted.jobIds.length; start += BATCH_WRITE_LIMIT) {
      await batchWrite(
        this.table,
        deleted.jobIds
          .slice(start, start + BATCH_WRITE_LIMIT)
          .map((jobId) => ({ DeleteRequest: { Key: jobKey(jobId) } })),
      );
    }
    return deleted.expiresAt > this.table.nowSeconds() ? deleted : undefined;
  }
}

/** The conversation an item holds: without its keys (the table's and the owner index's). */
export function record(item: Record<string, unknown> | undefined): ConversationRecord {
  const { [OWNER_SORT]: _sort, ...conversation } = withoutKey<Record<string, unknown>>(item);
  return conversation as unknown as ConversationRecord;
}
