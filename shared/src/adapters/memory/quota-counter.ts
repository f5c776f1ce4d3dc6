import {
  NO_USAGE,
  type Admission,
  type DayUsage,
  type PendingJob,
  type QuotaCounter,
  type QuotaLimits,
  type Used,
} from '../../domain/quota.js';

interface Entry extends DayUsage {
  day: string;
  /** Pending job id → the instant its slot frees itself. */
  pending: Map<string, number>;
}

/**
 * Quota counters in this process's memory (embedded mode): atomic because nothing in them awaits,
 * and synchronous, so an ask's check adds no await. Principals with nothing counted today and
 * nothing pending are dropped when the day changes, so the map holds one day's principals.
 */
export class MemoryQuotaCounter implements QuotaCounter {
  private readonly entries = new Map<string, Entry>();
  private today = '';

  admit(
    principalId: string,
    day: string,
    limits: QuotaLimits,
    job: PendingJob,
    nowMs: number,
  ): Admission {
    const entry = this.entry(principalId, day);
    for (const [id, until] of entry.pending) if (until <= nowMs) entry.pending.delete(id);
    const usage = {
      questions: entry.questions,
      tokens: entry.tokens,
      costMicroUsd: entry.costMicroUsd,
    };
    if (limits.questionsPerDay > 0 && entry.questions >= limits.questionsPerDay) {
      return { admitted: false, refused: 'questions', usage };
    }
    if (limits.tokensPerDay > 0 && entry.tokens >= limits.tokensPerDay) {
      return { admitted: false, refused: 'tokens', usage };
    }
    if (limits.pendingJobs > 0 && entry.pending.size >= limits.pendingJobs) {
      return { admitted: false, refused: 'pending', usage };
    }
    entry.questions += 1;
    entry.pending.set(job.id, job.pendingUntilMs);
    return { admitted: true, usage: { ...usage, questions: entry.questions } };
  }

  release(principalId: string, day: string, jobId: string): void {
    const entry = this.entries.get(principalId);
    if (!entry) return;
    entry.pending.delete(jobId);
    if (entry.day === day && entry.questions > 0) entry.questions -= 1;
  }

  settled(principalId: string, day: string, jobId: string, used: Used): void {
    const existing = this.entries.get(principalId);
    existing?.pending.delete(jobId);
    if (used.tokens === 0 && used.costMicroUsd === 0) return;
    const entry = this.entry(principalId, day);
    entry.tokens += used.tokens;
    entry.costMicroUsd += used.costMicroUsd;
  }

  usage(principalId: string, day: string): DayUsage {
    const entry = this.entries.get(principalId);
    if (!entry || entry.day !== day) return NO_USAGE;
    return { questions: entry.questions, tokens: entry.tokens, costMicroUsd: entry.costMicroUsd };
  }

  erase(principalId: string): void {
    this.entries.delete(principalId);
  }

  /** The principal's entry for `day` (a new day starts from zero, its pending slots kept). */
  private entry(principalId: string, day: string): Entry {
    if (day !== this.today) this.newDay(day);
    let entry = this.entries.get(principalId);
    if (!entry) {
      entry = { day, questions: 0, tokens: 0, costMicroUsd: 0, pending: new Map() };
      this.entries.set(principalId, entry);
    } else if (entry.day !== day) {
      Object.assign(entry, { day, questions: 0, tokens: 0, costMicroUsd: 0 });
    }
    return entry;
  }

  private newDay(day: string): void {
    this.today = day;
    for (const [id, entry] of this.entries) {
      if (entry.day !== day && entry.pending.size === 0) this.entries.delete(id);
    }
  }
}
