import type { JobErrorCode } from './errors.js';
import type { JobRecord, Settlement, StoppedCall } from './job.js';
import type { AnswerOutcome, SettleOptions } from './ports.js';

/** A failure decided by us, not by a provider: no provider call is counted. */
export function failure(code: JobErrorCode, message: string): Settlement {
  return { status: 'failed', error: { code, message }, attempts: 0 };
}

/** A client cancelled the job: no answer, and no provider call counted by us. */
export function cancellation(): Settlement {
  return {
    status: 'cancelled',
    error: { code: 'cancelled', message: 'The job was cancelled by the client' },
    attempts: 0,
  };
}

/** At or past its deadline: a pending job then reads failed / deadline_exceeded. */
export function isOverdue(job: Pick<JobRecord, 'deadlineAt'>, now: Date): boolean {
  return Date.parse(job.deadlineAt) <= now.getTime();
}

/** Whether a store may settle the job now under the caller's conditions (one rule for every store). */
export function maySettle(job: JobRecord, now: Date, options: SettleOptions): boolean {
  return options.from.includes(job.status) && !(options.beforeDeadline && isOverdue(job, now));
}

/** The record after a settlement: one definition of what "completed" and "failed" write. */
export function applySettlement(job: JobRecord, settlement: Settlement, now: Date): JobRecord {
  const at = now.toISOString();
  const common = {
    ...job,
    status: settlement.status,
    attempts: job.attempts + settlement.attempts,
    updatedAt: at,
    completedAt: at,
    leaseUntil: null,
  };
  if (settlement.status === 'completed') {
    return {
      ...common,
      answer: settlement.answer,
      provider: settlement.provider,
      model: settlement.model,
      usage: settlement.usage,
      cached: settlement.cachedUsage !== undefined,
      cachedUsage: settlement.cachedUsage ?? null,
      error: null,
    };
  }
  return {
    ...common,
    error: settlement.error,
    provider: settlement.provider ?? job.provider,
    model: settlement.model ?? job.model,
    usage: settlement.usage ?? job.usage,
  };
}

/** What a call whose job was settled by someone else used, from its outcome. */
export function stoppedCall(outcome: AnswerOutcome): StoppedCall {
  const who = outcome.ok ? outcome.answer : outcome;
  return {
    attempts: outcome.attempts,
    usage: outcome.usage,
    ...(who.provider && { provider: who.provider }),
    ...(who.model && { model: who.model }),
  };
}

/**
 * Whether a stopped call may be written onto the job: settled by someone else, no usage yet, and,
 * when it brings a partial answer, cancelled without one.
 */
export function mayRecordStoppedCall(job: JobRecord, call: StoppedCall): boolean {
  if (job.status !== 'cancelled' && job.status !== 'failed') return false;
  if (job.usage) return false;
  return !call.partialAnswer || (job.status === 'cancelled' && !job.partialAnswer);
}

/** The job once a stopped call is written onto it (its status, error and completedAt stay). */
export function applyStoppedCall(job: JobRecord, call: StoppedCall, now: Date): JobRecord {
  return {
    ...job,
    attempts: job.attempts + call.attempts,
    usage: call.usage,
    provider: call.provider ?? job.provider,
    model: call.model ?? job.model,
    ...(call.partialAnswer && { partialAnswer: call.partialAnswer }),
    updatedAt: now.toISOString(),
  };
}
