import { randomUUID } from 'node:crypto';
import type { JobRecord } from '../../src/domain/job.js';

/** A queued job as JobService creates it: 300 s deadline, 7-day TTL. */
export function newJob(overrides: Partial<JobRecord> = {}): JobRecord {
  const now = Date.now();
  const at = new Date(now).toISOString();
  return {
    id: randomUUID(),
    status: 'queued',
    question: 'Why is the sky blue?',
    subject: 'physics',
    level: null,
    language: 'pt-BR',
    answer: null,
    provider: 'openai',
    model: null,
    usage: null,
    attempts: 0,
    error: null,
    createdAt: at,
    updatedAt: at,
    completedAt: null,
    conversationId: randomUUID(),
    turn: 1,
    mode: 'explain',
    feedback: null,
    requestedProvider: 'openai',
    requestedModel: null,
    deadlineAt: new Date(now + 300_000).toISOString(),
    leaseUntil: null,
    expiresAt: Math.floor(now / 1000) + 7 * 24 * 3600,
    deliveries: 0,
    ...overrides,
  };
}
