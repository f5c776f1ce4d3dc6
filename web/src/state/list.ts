/**
 * The student's conversation list, from the API (`GET /api/v1/conversations`, a page at a time,
 * most recently updated first), so it follows them to another device and nothing of it is kept
 * in the browser. A conversation started or continued on this page joins the top at once (the
 * server's list may show it a moment later); one deleted here leaves at once.
 */
import { api } from '../api/client.js';
import type { ConversationSummary } from '../api/types.js';

export type { ConversationSummary } from '../api/types.js';

export interface ListState {
  items: ConversationSummary[];
  /** The cursor of the next page; null when the list is complete. */
  next: string | null;
  loading: boolean;
  /** The last load failed (offline, server down): the list says so, with Try again. */
  failed: boolean;
}

const TITLE_LENGTH = 80;
const PAGE_SIZE = 20;

/** The API's title: the first question cut at 80 characters. */
function titleOf(question: string): string {
  return question.length > TITLE_LENGTH ? question.slice(0, TITLE_LENGTH) : question;
}

export class ConversationList {
  // Loading until the first page arrives: before it, "No conversations yet" would be a guess (a
  // signed-in student's reload showed it for a moment).
  private state: ListState = { items: [], next: null, loading: true, failed: false };
  private readonly listeners = new Set<() => void>();
  /** Bumped on every reload and clear: a page that arrives for an older list is dropped. */
  private generation = 0;
  /**
   * Conversations asked in on this page since the first page was last asked for: that page may
   * have been read before they existed (a student who asks while the list is still loading), so
   * it must not drop them.
   */
  private readonly touchedSinceReload = new Set<string>();

  get snapshot(): ListState {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first page again (at start, after a sign-in, on Try again). */
  reload(): Promise<void> {
    this.generation++;
    this.touchedSinceReload.clear();
    return this.load(null, this.generation);
  }

  /** The next page, after the ones shown. */
  async more(): Promise<void> {
    if (this.state.next && !this.state.loading) await this.load(this.state.next, this.generation);
  }

  /** Nothing listed (after "Delete my data", at sign-out). */
  clear(): void {
    this.generation++;
    this.touchedSinceReload.clear();
    this.set({ items: [], next: null, loading: false, failed: false });
  }

  /** A conversation this page just asked in: at the top, titled by its first question. */
  touched(conversation: {
    id: string;
    firstQuestion: string;
    mode: ConversationSummary['mode'];
    updatedAt: string;
  }): void {
    this.touchedSinceReload.add(conversation.id);
    const existing = this.state.items.find((c) => c.id === conversation.id);
    if (existing?.updatedAt === conversation.updatedAt && this.state.items[0] === existing) return;
    const item: ConversationSummary = existing
      ? { ...existing, updatedAt: conversation.updatedAt }
      : {
          id: conversation.id,
          title: titleOf(conversation.firstQuestion),
          subject: null,
          mode: conversation.mode,
          turns: 1,
          createdAt: conversation.updatedAt,
          updatedAt: conversation.updatedAt,
        };
    this.set({ items: [item, ...this.state.items.filter((c) => c.id !== conversation.id)] });
  }

  forget(id: string): void {
    this.touchedSinceReload.delete(id);
    if (this.state.items.some((c) => c.id === id)) {
      this.set({ items: this.state.items.filter((c) => c.id !== id) });
    }
  }

  private async load(cursor: string | null, generation: number): Promise<void> {
    this.set({ loading: true, failed: false });
    try {
      const page = await api.listConversations(cursor, PAGE_SIZE);
      if (generation !== this.generation) return;
      // Conversations touched here meanwhile stay; the server's page fills in the rest.
      const known = cursor
        ? this.state.items
        : this.state.items.filter((c) => this.touchedSinceReload.has(c.id));
      const ids = new Set(known.map((c) => c.id));
      const items = [...known, ...page.items.filter((c) => !ids.has(c.id))];
      this.set({ items, next: page.next, loading: false });
    } catch {
      if (generation === this.generation) this.set({ loading: false, failed: true });
    }
  }

  private set(patch: Partial<ListState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
