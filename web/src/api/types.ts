/**
 * The API's shapes as the page reads them (the OpenAPI document at /docs/json is the contract).
 * Only the fields the page uses; fields a newer server adds are ignored.
 */
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type Mode = 'explain' | 'tutor' | 'quiz';
export type Rating = 'up' | 'down';

export interface Job {
  id: string;
  status: JobStatus;
  question: string;
  subject: string | null;
  level: string | null;
  language: string | null;
  answer: string | null;
  provider: string | null;
  model: string | null;
  error: { code: string; message: string } | null;
  conversationId?: string;
  turn?: number;
  mode?: Mode;
  feedback?: { rating: Rating; comment?: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

export interface Conversation {
  id: string;
  subject: string | null;
  level: string | null;
  language: string | null;
  mode: Mode;
  createdAt: string;
  updatedAt: string;
  turns: Job[];
}

export interface AskBody {
  question: string;
  conversationId?: string;
  subject?: string;
  level?: string;
  language?: string;
  mode?: Mode;
}

/** RFC 9457 problem details, with the extensions the API adds. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  jobId?: string;
}

export function isPending(status: JobStatus): boolean {
  return status === 'queued' || status === 'running';
}
