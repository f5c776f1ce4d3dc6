import { toPublicConversation } from '@iscoolgpt/shared';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendProblem } from '../../../plugins/app/problem-details.js';
import {
  deleteConversationSchema,
  getConversationSchema,
  listConversationsSchema,
} from '../../../schemas/conversations.js';
import { problemTypes } from '../../../schemas/problem.js';

const conversations: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/conversations', { schema: listConversationsSchema }, async (request) => {
    const { items, next } = await fastify.conversations.list(request.principal, request.query);
    return { items, next: next ?? null };
  });

  fastify.get('/conversations/:id', { schema: getConversationSchema }, async (request, reply) => {
    const found = await fastify.conversations.get(
      request.params.id,
      request.principal,
      request.query,
    );
    if (!found) return notFound(reply, request.params.id);
    const { conversation, turns, next } = found;
    return {
      ...toPublicConversation(conversation, turns),
      turnCount: conversation.jobIds.length,
      next: next ?? null,
    };
  });

  fastify.delete(
    '/conversations/:id',
    { schema: deleteConversationSchema },
    async (request, reply) => {
      const deleted = await fastify.conversations.delete(request.params.id, request.principal);
      if (!deleted) return notFound(reply, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

/** One answer for an unknown id and for someone else's: no hint that it exists. */
function notFound(reply: FastifyReply, id: string) {
  return sendProblem(reply, {
    type: problemTypes.notFound,
    title: 'Conversation not found',
    status: 404,
    detail: `No conversation with id ${id} (conversations are kept for a limited time)`,
  });
}

export default conversations;
