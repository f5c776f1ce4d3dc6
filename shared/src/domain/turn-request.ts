import type { HistoryTurn } from './conversation.js';
import type { JobRecord } from './job.js';
import type { AnswerRequest, JobStore } from './ports.js';

/**
 * Which earlier turns of a request fit its prompt (providers/prompt.ts's fittingHistory: the
 * newest that fit, dropping the oldest first).
 */
export type HistoryFit = (request: AnswerRequest) => readonly HistoryTurn[];

/** Earlier turns are read newest first, this many in the first read, twice as many each next. */
const FIRST_READ = 10;

/**
 * What the providers are asked for a job: its question and settings, and its conversation's
 * earlier completed turns, oldest first (failed and cancelled turns taught nothing and are left
 * out). With `fit`, only the turns that can fit the prompt are read from the store: newest
 * first, and no further back than the first that does not fit (nothing older can then fit).
 */
export async function turnRequest(
  store: JobStore,
  job: JobRecord,
  contextMaxTokens: number | undefined,
  fit?: HistoryFit,
): Promise<AnswerRequest> {
  const request: AnswerRequest = {
    question: job.question,
    subject: job.subject,
    level: job.level,
    language: job.language,
    model: job.requestedModel,
    mode: job.mode,
    turn: job.turn,
    ...(contextMaxTokens !== undefined && { contextMaxTokens }),
  };
  const fitting =
    fit && contextMaxTokens !== undefined
      ? (history: HistoryTurn[]) => fit({ ...request, history })
      : undefined;
  return { ...request, history: await earlierTurns(store, job, fitting) };
}

async function earlierTurns(
  store: JobStore,
  job: JobRecord,
  fitting: ((history: HistoryTurn[]) => readonly HistoryTurn[]) | undefined,
): Promise<HistoryTurn[]> {
  if (job.turn <= 1) return [];
  const conversation = await store.getConversation(job.conversationId);
  const ids = conversation?.jobIds.slice(0, job.turn - 1) ?? [];
  if (!fitting) return completed(ids.length > 0 ? await store.getMany(ids) : []);
  let history: HistoryTurn[] = [];
  for (let end = ids.length, read = FIRST_READ; end > 0; end -= read, read *= 2) {
    const older = completed(await store.getMany(ids.slice(Math.max(0, end - read), end)));
    const candidate = [...older, ...history];
    const kept = fitting(candidate);
    if (kept.length < candidate.length) return [...kept];
    history = candidate;
  }
  return history;
}

function completed(jobs: readonly JobRecord[]): HistoryTurn[] {
  return jobs.flatMap((earlier) =>
    earlier.status === 'completed' && earlier.answer !== null
      ? [{ question: earlier.question, answer: earlier.answer }]
      : [],
  );
}
