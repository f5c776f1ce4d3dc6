import { hash, randomUUID } from 'node:crypto';
import type { ConversationRecord, ConversationSettings } from './conversation.js';
import { DEFAULT_MODE, type AskRequest, type JobRecord } from './job.js';
import { titleOf } from './ownership.js';
import type { TurnWrite } from './ports.js';

/** How long a new job may stay pending, and how long the store keeps it. */
export interface JobLimits {
  /** A pending job older than this reads failed / deadline_exceeded. */
  deadlineSeconds: number;
  /** How long the store keeps a job. */
  ttlDays: number;
}

/**
 * A new turn, as pure data: the job `ownerId` asks as the next turn of `conversation` (a new
 * conversation without one, theirs), and the write that makes it that turn.
 */
export function newTurn(
  request: AskRequest,
  conversation: ConversationRecord | undefined,
  now: Date,
  limits: JobLimits,
  ownerId: string,
): { job: JobRecord; write: TurnWrite } {
  const job = newJobRecord(request, conversation, now, limits, ownerId);
  return {
    job,
    write: {
      conversation: nextConversation(conversation, job, now),
      expectedLastTurn: conversation?.lastTurn ?? 0,
    },
  };
}

/** What an ask sets becomes the setting; what it leaves out comes from its conversation. */
export function inheritSettings(
  conversation: ConversationRecord | undefined,
  request: AskRequest,
): ConversationSettings {
  return {
    subject: request.subject ?? conversation?.subject ?? null,
    level: request.level ?? conversation?.level ?? null,
    language: request.language ?? conversation?.language ?? null,
    mode: request.mode ?? conversation?.mode ?? DEFAULT_MODE,
  };
}

/** The queued job an ask creates as the next turn of `conversation` (a new one without it). */
export function newJobRecord(
  request: AskRequest,
  conversation: ConversationRecord | undefined,
  now: Date,
  limits: JobLimits,
  ownerId: string,
): JobRecord {
  const at = now.toISOString();
  return {
    id: randomUUID(),
    ownerId,
    status: 'queued',
    question: request.question,
    ...inheritSettings(conversation, request),
    answer: null,
    partialAnswer: null,
    provider: request.provider ?? null,
    model: request.model ?? null,
    usage: null,
    cached: false,
    cachedUsage: null,
    attempts: 0,
    error: null,
    createdAt: at,
    updatedAt: at,
    completedAt: null,
    conversationId: conversation?.id ?? randomUUID(),
    turn: (conversation?.lastTurn ?? 0) + 1,
    feedback: null,
    requestedProvider: request.provider ?? null,
    requestedModel: request.model ?? null,
    deadlineAt: new Date(now.getTime() + limits.deadlineSeconds * 1000).toISOString(),
    leaseUntil: null,
    expiresAt: Math.floor(now.getTime() / 1000) + limits.ttlDays * 24 * 60 * 60,
    deliveries: 0,
  };
}

/** The conversation once `job` is its latest turn: its settings, and its TTL counted from now. */
export function nextConversation(
  conversation: ConversationRecord | undefined,
  job: JobRecord,
  now: Date,
): ConversationRecord {
  const at = now.toISOString();
  return {
    id: job.conversationId,
    ownerId: job.ownerId,
    title: conversation?.title ?? titleOf(job.question),
    subject: job.subject,
    level: job.level,
    language: job.language,
    mode: job.mode,
    createdAt: conversation?.createdAt ?? at,
    updatedAt: at,
    lastTurn: job.turn,
    jobIds: [...(conversation?.jobIds ?? []), job.id],
    expiresAt: job.expiresAt,
  };
}

/** A stable hash of the validated request: key order and trimmed whitespace do not matter. */
export function fingerprint(request: AskRequest): string {
  const canonical = JSON.stringify(
    Object.keys(request)
      .sort()
      .map((key) => [key, request[key as keyof AskRequest]]),
  );
  return hash('sha256', canonical, 'hex');
}
