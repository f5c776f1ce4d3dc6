import { LRUCache } from 'lru-cache';
import type { AnswerCache, CachedAnswer } from '../../domain/ports.js';

export interface MemoryAnswerCacheOptions {
  /** At most this many entries (ANSWER_CACHE_MAX_ENTRIES); the least recently used go first. */
  maxEntries: number;
  /** Every entry expires this long after it was written (ANSWER_CACHE_TTL_SECONDS). */
  ttlSeconds: number;
  /** The clock entries and marks age by (tests move it); performance.now() otherwise. */
  now?: () => number;
  /** Called when an entry is dropped before its time to make room (the size bound). */
  onEvict?: () => void;
}

/**
 * The embedded-mode answer cache: a bounded LRU (lru-cache) in this process, with the same TTL
 * rules as Redis. In-flight marks are a second LRU, each with its own TTL: there are never more
 * than the jobs in flight, and a mark whose job died lapses on its own.
 */
export class MemoryAnswerCache implements AnswerCache {
  private readonly entries: LRUCache<string, CachedAnswer>;
  private readonly marks: LRUCache<string, string>;

  constructor(options: MemoryAnswerCacheOptions) {
    // The clock read at every access (ttlResolution 0), rather than cached behind a timer.
    const clock = { ttlResolution: 0, ...(options.now && { perf: { now: options.now } }) };
    this.entries = new LRUCache({
      max: options.maxEntries,
      ttl: options.ttlSeconds * 1000,
      ...clock,
      ...(options.onEvict && {
        dispose: (_entry, _key, reason) => {
          if (reason === 'evict') options.onEvict?.();
        },
      }),
    });
    this.marks = new LRUCache({ max: options.maxEntries, ttl: 60_000, ...clock });
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    return this.entries.get(key);
  }

  async put(entry: CachedAnswer): Promise<void> {
    // Replaced whole, with a fresh TTL.
    this.entries.delete(entry.key);
    this.entries.set(entry.key, entry);
  }

  async evict(key: string, answer: string): Promise<boolean> {
    if (this.entries.get(key)?.answer !== answer) return false;
    return this.entries.delete(key);
  }

  async lead(key: string, jobId: string, ttlMs: number, replacing?: string): Promise<string> {
    const holder = this.marks.get(key);
    if (holder !== undefined && holder !== jobId && holder !== replacing) return holder;
    this.marks.set(key, jobId, { ttl: Math.max(1, Math.ceil(ttlMs)) });
    return jobId;
  }

  async release(key: string, jobId: string): Promise<void> {
    if (this.marks.get(key) === jobId) this.marks.delete(key);
  }
}
