import type { HistoryTurn } from './conversation.js';
import type { JobRecord } from './job.js';
import type { AnswerRequest, JobStore } from './ports.js';

/**
 * What the providers are asked for a job: its question and settings, and its conversation's
 * earlier completed turns, oldest first (failed and cancelled turns taught nothing and are left
 * out). Which of them fit `contextMaxTokens` is the prompt module's decision.
 */
export async function turnRequest(
  store: JobStore,
  job: JobRecord,
  contextMaxTokens: number | undefined,
): Promise<AnswerRequest> {
  return {
    question: job.question,
    subject: job.subject,
    level: job.level,
    language: job.language,
    model: job.requestedModel,
    mode: job.mode,
    turn: job.turn,
    history: await earlierTurns(store, job),
    ...(contextMaxTokens !== undefined && { contextMaxTokens }),
  };
}

async function earlierTurns(store: JobStore, job: JobRecord): Promise<HistoryTurn[]> {
  if (job.turn <= 1) return [];
  const conversation = await store.getConversation(job.conversationId);
  const ids = conversation?.jobIds.slice(0, job.turn - 1) ?? [];
  const jobs = ids.length > 0 ? await store.getMany(ids) : [];
  return jobs.flatMap((earlier) =>
    earlier.status === 'completed' && earlier.answer !== null
      ? [{ question: earlier.question, answer: earlier.answer }]
      : [],
  );
}
