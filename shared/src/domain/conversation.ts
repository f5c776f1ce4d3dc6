import { z } from 'zod';
import { jobSchema, MODES, toPublicJob, type JobRecord, type Mode } from './job.js';
import { principalSchema } from './principal.js';

/**
 * A conversation is the thread its turns belong to: each turn is a job, and the conversation holds
 * the settings the next turn inherits. One turn at a time: a new turn is written only over the
 * state it was computed from (`lastTurn`), so two racing asks cannot both become the next turn.
 */
export interface ConversationRecord {
  id: string;
  /** The principal whose conversation it is (Principal.id): no one else may see or continue it. */
  ownerId: string;
  /** Its first question, cut at 80 characters: what a list of conversations shows. */
  title: string;
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
  title: z.string().describe('its first question, cut at 80 characters'),
  subject: z.string().nullable(),
  level: z.string().nullable(),
  language: z.string().nullable(),
  mode: z.enum(MODES),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  turns: z
    .array(jobSchema)
    .describe('its turns (jobs), in order: the latest `limit` (50 by default) before `cursor`'),
  turnCount: z.number().int().nonnegative().describe('how many turns it has in all'),
  next: z
    .string()
    .nullable()
    .describe(
      'the cursor of the earlier turns (pass it as `cursor`); null when these are the first',
    ),
});
export type Conversation = z.infer<typeof conversationSchema>;

/** One earlier turn as the model receives it: the student's question and the answer given. */
export interface HistoryTurn {
  question: string;
  answer: string;
}

/** One conversation in `GET /api/v1/conversations`. */
export const conversationSummarySchema = z.object({
  id: z.uuid(),
  title: z.string().describe('its first question, cut at 80 characters'),
  subject: z.string().nullable(),
  mode: z.enum(MODES),
  turns: z.number().int().positive().describe('how many turns it has'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime().describe('when its latest turn was asked'),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export function toConversationSummary(conversation: ConversationRecord): ConversationSummary {
  return {
    id: conversation.id,
    title: conversation.title,
    subject: conversation.subject,
    mode: conversation.mode,
    turns: conversation.lastTurn,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
  };
}

/** A conversation's own fields and the given turns, as its read and the export hand them over. */
export function toPublicConversation(
  conversation: ConversationRecord,
  turns: JobRecord[],
): Omit<Conversation, 'turnCount' | 'next'> {
  return {
    id: conversation.id,
    title: conversation.title,
    subject: conversation.subject,
    level: conversation.level,
    language: conversation.language,
    mode: conversation.mode,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    turns: turns.map(toPublicJob),
  };
}

/** Everything a principal has, as `GET /api/v1/me/export` hands it over. */
export const dataExportSchema = z
  .object({
    exportedAt: z.iso.datetime(),
    user: principalSchema,
    conversations: z
      .array(
        conversationSchema
          .omit({ turnCount: true, next: true })
          .extend({ turns: z.array(jobSchema).describe('every turn, in order') }),
      )
      .describe('every conversation, most recently updated first'),
  })
  .meta({ id: 'DataExport' });
export type DataExport = z.infer<typeof dataExportSchema>;
