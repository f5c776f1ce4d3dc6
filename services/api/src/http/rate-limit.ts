import type { LimitReachedError, QuestionsLeft } from '@iscoolgpt/shared';
import type { FastifyReply } from 'fastify';

/** The questions policy's window: a (UTC) day. */
const DAY_SECONDS = 86_400;

/**
 * The IETF httpapi RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): the
 * `questions` policy, `q` questions a `w`-second window, and what is left of it now, `r` questions
 * for `t` more seconds (to the next UTC midnight).
 */
export function setQuestionsPolicy(reply: FastifyReply, limit: number): void {
  reply.header('ratelimit-policy', `"questions";q=${limit};w=${DAY_SECONDS}`);
}

export function setQuestionsLeft(reply: FastifyReply, left: QuestionsLeft): void {
  setQuestionsPolicy(reply, left.limit);
  reply.header('ratelimit', `"questions";r=${left.remaining};t=${left.resetSeconds}`);
}

/** A refusal's headers: when to come back and, for the day's quota, that nothing is left. */
export function setRefusalHeaders(reply: FastifyReply, error: LimitReachedError): void {
  reply.header('retry-after', String(error.retryAfterSeconds));
  if (error.code === 'quota_exceeded') {
    reply.header('ratelimit', `"questions";r=0;t=${error.retryAfterSeconds}`);
  }
}
