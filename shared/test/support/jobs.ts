import type { JobRecord } from '../../src/domain/job.js';
import { newJobRecord } from '../../src/domain/new-turn.js';
import { ANONYMOUS } from '../../src/domain/principal.js';

/**
 * A queued job of the anonymous principal's as an ask creates it (the domain's own constructor: a 300 s deadline, a 7-day
 * TTL), the first turn of a new conversation, with `overrides` on top.
 */
export function newJob(overrides: Partial<JobRecord> = {}): JobRecord {
  const job = newJobRecord(
    { question: 'Why is the sky blue?', subject: 'physics', language: 'pt-BR', provider: 'openai' },
    undefined,
    new Date(),
    { deadlineSeconds: 300, ttlDays: 7 },
    ANONYMOUS.id,
  );
  return { ...job, ...overrides };
}
