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
 * rules as Redis. In-flight marks are a Map, each with its own expiry: there are never more than
 * the jobs in flight, and a mark whose job died lapses on its own. It answers at once (values,
 * not promises), so its callers set no timeout. (Not a second LRU: lru-cache
 * clears its whole arrays when its last entry is deleted, and a released mark is often the
 * last: that cost every ask some 20 µs at 10,000 entries.)
 */
export class MemoryAnswerCache implements AnswerCache {
  private readonly entries: LRUCache<string, CachedAnswer>;
  private readonly marks = new Map<string, { jobId: string; until: number }>();
  private readonly now: () => number;
  private readonly maxMarks: number;

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
    this.now = options.now ?? (() => performance.now());
    this.maxMarks = options.maxEntries;
  }

  get(key: string): CachedAnswer | undefined {
    return this.entries.get(key);
  }

  put(entry: CachedAnswer): void {
    // Replaced whole, with a fresh TTL.
    this.entries.delete(entry.key);
    this.entries.set(entry.key, entry);
  }

  evict(key: string, answer: string): boolean {
    if (this.entries.get(key)?.answer !== answer) return false;
    return this.entries.delete(key);
  }

  lead(key: string, jobId: string, ttlMs: number, replacing?: string): string {
    const now = this.now();
    const mark = this.marks.get(key);
    const holder = mark && mark.until > now ? mark.jobId : undefined;
    if (holder !== undefined && holder !== jobId && holder !== replacing) return holder;
    this.marks.delete(key);
    this.marks.set(key, { jobId, until: now + Math.max(1, Math.ceil(ttlMs)) });
    // Marks of jobs that died unreleased, oldest first, make room (they lapse anyway).
    for (const stale of this.marks.keys()) {
      if (this.marks.size <= this.maxMarks) break;
      this.marks.delete(stale);
    }
    return jobId;
  }

  release(key: string, jobId: string): void {
    if (this.marks.get(key)?.jobId === jobId) this.marks.delete(key);
  }
}
