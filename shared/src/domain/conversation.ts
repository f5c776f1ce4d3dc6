import { z } from 'zod';
import { jobSchema, MODES, type Mode } from './job.js';

/**
 * A conversation is the thread its turns belong to: each turn is a job, and the conversation holds
 * the settings the next turn inherits. One turn at a time: a new turn is written only over the
 * state it was computed from (`lastTurn`), so two racing asks cannot both become the next turn.
 */
export interface ConversationRecord {
  id: string;
  subject: string | null;
  level: string | null;
  language: string | null;
  mode: Mode;
  createdAt: string;
  updatedAt: string;
  /** How many turns it has; the next turn is `lastTurn + 1`. */
  lastTurn: number;
  /** The job ids of its turns, oldest first: turn n is `jobIds[n - 1]`. */
  jobIds: string[];
  /** Epoch seconds after which the store may forget it: its latest turn's `expiresAt`. */
  expiresAt: number;
}

/** The settings a turn inherits from its conversation unless the ask sets them. */
export type ConversationSettings = Pick<
  ConversationRecord,
  'subject' | 'level' | 'language' | 'mode'
>;

/** The conversation as `GET /api/v1/conversations/{id}` returns it. */
export const conversationSchema = z.object({
  id: z.uuid(),
  subject: z.string().nullable(),
  level: z.string().nullable(),
  language: z.string().nullable(),
  mode: z.enum(MODES),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  turns: z.array(jobSchema).describe('its turns (jobs), in order'),
});
export type Conversation = z.infer<typeof conversationSchema>;

/** One earlier turn as the model receives it: the student's question and the answer given. */
export interface HistoryTurn {
  question: string;
  answer: string;
}
