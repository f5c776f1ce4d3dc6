import { conversationSchema } from '@iscoolgpt/shared';
import { z } from 'zod';
import { jobResponseSchema } from './ask.js';
import { idParams } from './params.js';
import { problemSchema, validationProblemSchema } from './problem.js';

export const conversationResponseSchema = conversationSchema
  .extend({ turns: z.array(jobResponseSchema).describe('its turns (jobs), in order') })
  .meta({ id: 'Conversation' });

const params = idParams('conversation');

export const getConversationSchema = {
  summary: 'Read a conversation',
  description: 'Its settings (what the next turn inherits) and its turns, oldest first.',
  tags: ['conversations'],
  params,
  response: {
    200: conversationResponseSchema,
    400: validationProblemSchema,
    404: problemSchema,
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
