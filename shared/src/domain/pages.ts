import { InvalidCursorError } from './errors.js';
import type { ConversationRecord } from './conversation.js';

/**
 * Cursors of paged lists: opaque to clients (base64url), each naming the last item a page
 * returned, so the next page starts after it whatever was added in between.
 */

export interface Page {
  /** How many items at most (1-100). */
  limit: number;
  /** The cursor of the previous page (its `next`); none for the first page. */
  cursor?: string | undefined;
}

export interface PageOf<T> {
  items: T[];
  /** The cursor of the next page; undefined when this one is the last. */
  next: string | undefined;
}

/**
 * Where a conversation sits in its owner's list, most recently updated first: its `updatedAt`
 * then its id (two conversations of one instant keep a stable order). Stores sort by it
 * (DynamoDB's owner index holds it as the sort key).
 */
export function conversationSortKey(conversation: Pick<ConversationRecord, 'updatedAt' | 'id'>) {
  return `conv#${conversation.updatedAt}#${conversation.id}`;
}

const SORT_KEY = /^conv#\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z#[0-9a-f-]{36}$/;
const TURN = /^turn#(\d{1,9})$/;

export function conversationCursor(conversation: Pick<ConversationRecord, 'updatedAt' | 'id'>) {
  return encode(conversationSortKey(conversation));
}

/** The sort key a conversations cursor names; InvalidCursorError for anything else. */
export function conversationAfter(cursor: string): string {
  const key = decode(cursor);
  if (!SORT_KEY.test(key)) throw new InvalidCursorError();
  return key;
}

/** A conversation's turns before turn `turn` (the page of earlier turns). */
export function turnCursor(turn: number): string {
  return encode(`turn#${turn}`);
}

export function turnBefore(cursor: string): number {
  const match = TURN.exec(decode(cursor));
  if (!match) throw new InvalidCursorError();
  return Number(match[1]);
}

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decode(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
