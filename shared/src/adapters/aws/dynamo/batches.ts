import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchGetCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Table } from './table.js';

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_LIMIT = 100;
/** BatchWriteItem takes at most 25 requests. */
export const BATCH_WRITE_LIMIT = 25;
/** A batch write whose items stay unprocessed (throttled) is sent this many times, then fails. */
const BATCH_WRITE_ATTEMPTS = 8;

export type BatchWriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * Consistent reads of any number of keys, 100 a request, with the keys DynamoDB left unprocessed
 * (throttling) asked again; the items found, in no particular order.
 */
export async function batchGet(
  table: Table,
  keys: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(start, start + BATCH_GET_LIMIT);
    for (let attempt = 1; pending?.length; attempt++) {
      if (attempt > 1) await sleep(20 * attempt);
      const response: BatchGetCommandOutput = await table.client.send(
        new BatchGetCommand({
          RequestItems: { [table.name]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      items.push(...(response.Responses?.[table.name] ?? []));
      pending = response.UnprocessedKeys?.[table.name]?.Keys;
    }
  }
  return items;
}

/** Up to 25 puts and deletes, with what DynamoDB left unprocessed (throttling) sent again. */
export async function batchWrite(table: Table, requests: BatchWriteRequest[]): Promise<void> {
  let pending: BatchWriteRequest[] | undefined = requests;
  for (let attempt = 1; pending?.length; attempt++) {
    if (attempt > BATCH_WRITE_ATTEMPTS) {
      throw new Error(`DynamoDB left ${pending.length} writes unprocessed ${attempt - 1} times`);
    }
    if (attempt > 1) await sleep(20 * attempt);
    const { UnprocessedItems } = await table.client.send(
      new BatchWriteCommand({ RequestItems: { [table.name]: pending } }),
    );
    pending = UnprocessedItems?.[table.name] as BatchWriteRequest[] | undefined;
  }
}
