/**
 * The saved list: the conversations this browser knows (id, title, last change), newest first,
 * written to storage on every change. The store holds the list in its state.
 */
import { storage, type SavedConversation } from './storage.js';

const TITLE_LENGTH = 80;

function titleOf(question: string): string {
  return question.length > TITLE_LENGTH ? `${question.slice(0, TITLE_LENGTH)}…` : question;
}

/**
 * The list with this conversation first, titled by its first question; the same list (same
 * object) when nothing changed, so callers can skip a redraw.
 */
export function remember(
  list: SavedConversation[],
  id: string,
  firstQuestion: string,
  updatedAt: string,
): SavedConversation[] {
  const title = titleOf(firstQuestion);
  const existing = list.find((c) => c.id === id);
  if (existing && existing.title === title && existing.updatedAt === updatedAt) return list;
  const saved = [{ id, title, updatedAt }, ...list.filter((c) => c.id !== id)];
  storage.setConversations(saved);
  return saved;
}

export function forget(list: SavedConversation[], id: string): SavedConversation[] {
  const saved = list.filter((c) => c.id !== id);
  storage.setConversations(saved);
  return saved;
}
