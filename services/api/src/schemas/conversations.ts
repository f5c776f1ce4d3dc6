import {
  conversationSchema,
  conversationSummarySchema,
  DEFAULT_CONVERSATIONS_PAGE,
  DEFAULT_TURNS_PAGE,
  MAX_PAGE,
} from '@iscoolgpt/shared';
import { z } from 'zod';
import { jobResponseSchema } from './ask.js';
import { idParams } from './params.js';
import { problemSchema, validationProblemSchema } from './problem.js';

export const conversationResponseSchema = conversationSchema
  .extend({
    turns: z
      .array(jobResponseSchema)
      .describe('its turns (jobs), in order: the latest `limit` (50 by default) before `cursor`'),
  })
  .meta({ id: 'Conversation' });

const params = idParams('conversation');

/** `?limit=&cursor=`: a page size and the `next` of the page before. */
const pageQuery = (what: string, fallback: number) =>
  z.object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_PAGE)
      .default(fallback)
      .describe(`how many ${what} (1-${MAX_PAGE}, default ${fallback})`),
    cursor: z
      .string()
      .max(512)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a `next` this server handed out')
      .optional()
      .describe('the `next` of the previous page, as it was given'),
  });

export const getConversationSchema = {
  summary: 'Read a conversation',
  description:
    'Its settings (what the next turn inherits) and a page of its turns, oldest first: the ' +
    'latest `limit` (50 by default); `next` fetches the ones before them. 404 for a ' +
    "conversation that does not exist or is someone else's.",
  tags: ['conversations'],
  params,
  querystring: pageQuery('turns', DEFAULT_TURNS_PAGE),
  response: {
    200: conversationResponseSchema,
    400: validationProblemSchema,
    404: problemSchema,
  },
};

export const conversationListSchema = z
  .object({
    items: z.array(conversationSummarySchema),
    next: z
      .string()
      .nullable()
      .describe('the cursor of the next page (pass it as `cursor`); null on the last page'),
  })
  .meta({ id: 'ConversationList' });

export const listConversationsSchema = {
  summary: 'List my conversations',
  description:
    'The conversations of the principal making the request, most recently updated first, a ' +
    'page at a time.',
  tags: ['conversations'],
  querystring: pageQuery('conversations', DEFAULT_CONVERSATIONS_PAGE),
  response: {
    200: conversationListSchema,
    400: validationProblemSchema,
  },
};

export const deleteConversationSchema = {
  summary: 'Delete a conversation',
  description:
    'Erases the conversation and every job of it: a pending turn is cancelled first, then the ' +
    "conversation's and its jobs' reads and event streams answer 404.",
  tags: ['conversations'],
  params,
  response: {
    204: z.null().describe('deleted'),
    400: validationProblemSchema,
    404: problemSchema,
  },
};
