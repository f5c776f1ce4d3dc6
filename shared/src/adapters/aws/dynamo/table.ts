import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyKey } from '../../../domain/ports.js';
import { jobsTable } from '../resources.js';

/**
 * The one table every item kind shares: its name, the client, the clock, and the partition keys
 * that tell the kinds apart (`job#<id>`, `idem#<scope>#<key>`, `conv#<id>`).
 */
export interface Table {
  client: DynamoDBDocumentClient;
  name: string;
  /** Epoch seconds now: items whose `expiresAt` is not after it are gone (TTL deletes late). */
  nowSeconds(): number;
}

export const PK = jobsTable.partitionKey;
/** The owner index's sort key: only conversation and Idempotency-Key items carry one. */
export const OWNER_SORT = jobsTable.ownerIndex.sortKey;

export const jobKey = (id: string) => ({ [PK]: `job#${id}` });

/** One record per caller and key: `idem#<scope>#<key>`, the scope encoded so it holds no `#`. */
export const idempotencyKey = ({ scope, key }: IdempotencyKey) => ({
  [PK]: `idem#${encodeURIComponent(scope)}#${key}`,
});

export const conversationKey = (id: string) => ({ [PK]: `conv#${id}` });

/** An item without its partition key: the record as the domain knows it. */
export function withoutKey<T>(item: Record<string, unknown> | undefined): T {
  const { [PK]: _key, ...record } = item ?? {};
  return record as T;
}

/** The item's record, unless there is none or it is past its TTL (whether or not DynamoDB deleted it). */
export function liveRecord<T extends { expiresAt: number }>(
  table: Table,
  item: Record<string, unknown> | undefined,
): T | undefined {
  if (!item) return undefined;
  const record = withoutKey<T>(item);
  return record.expiresAt > table.nowSeconds() ? record : undefined;
}
