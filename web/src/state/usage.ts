/**
 * What is left of the student's day (`GET /api/v1/me/usage`): read at start, after each answer
 * and after a sign-in, so the page can say "12 of 20 questions left today". No limit (null; 0 in
 * the settings) leaves nothing to say; a server without quotas or a failed read leaves the line out.
 */
import { api } from '../api/client.js';
import type { Usage } from '../api/types.js';

export class UsageStore {
  private state: Usage | null = null;
  private readonly listeners = new Set<() => void>();
  /** Bumped by clear(): a reading that arrives for an earlier student is dropped. */
  private generation = 0;

  get snapshot(): Usage | null {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async refresh(): Promise<void> {
    const generation = this.generation;
    try {
      const usage = await api.usage();
      if (generation === this.generation) this.set(usage);
    } catch {
      // No quotas here, or no answer: the line stays as it was (or absent).
    }
  }

  clear(): void {
    this.generation++;
    this.set(null);
  }

  private set(usage: Usage | null): void {
    this.state = usage;
    for (const listener of this.listeners) listener();
  }
}

/** Questions left today, or null when there is no limit to speak of. */
export function questionsLeft(usage: Usage | null): { left: number; limit: number } | null {
  const { used, limit } = usage?.questions ?? { used: 0, limit: null };
  // null (or 0, as the settings say it) is no limit.
  if (!limit || limit <= 0) return null;
  return { left: Math.max(0, limit - used), limit };
}
