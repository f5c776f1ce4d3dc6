import type { Principal } from './principal.js';

/**
 * The one authorization rule of jobs and conversations: only their owner may see, continue,
 * rate, cancel or erase them. Everyone else is told, exactly as for an id that does not exist,
 * that there is no such thing. A record without an owner (stored before owners were recorded)
 * belongs to no one.
 */
export function owns(principal: Principal, record: { ownerId?: string | undefined }): boolean {
  return record.ownerId !== undefined && record.ownerId === principal.id;
}

/** A conversation's title: its first question, cut at 80 characters (never inside a character). */
export const TITLE_LENGTH = 80;

export function titleOf(question: string): string {
  // A string has at least as many UTF-16 units as characters: a short one needs no counting.
  if (question.length <= TITLE_LENGTH) return question;
  let end = 0;
  let count = 0;
  for (const character of question) {
    if (count === TITLE_LENGTH) break;
    end += character.length;
    count += 1;
  }
  return question.slice(0, end);
}
