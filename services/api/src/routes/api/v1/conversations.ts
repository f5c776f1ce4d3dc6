import { toPublicJob } from '@iscoolgpt/shared';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendProblem } from '../../../plugins/app/problem-details.js';
import { deleteConversationSchema, getConversationSchema } from '../../../schemas/conversations.js';
import { problemTypes } from '../../../schemas/problem.js';

const conversations: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/conversations/:id', { schema: getConversationSchema }, async (request, reply) => {
    const found = await fastify.jobs.getConversation(request.params.id);
    if (!found) return notFound(reply, request.params.id);
    const { conversation, turns } = found;
    return {
      id: conversation.id,
      subject: conversation.subject,
      level: conversation.level,
      language: conversation.language,
      mode: conversation.mode,
      createdAt: conversation.createdAt,
      updatedAt: conversation.updatedAt,
      turns: turns.map(toPublicJob),
    };
  });

  fastify.delete(
    '/conversations/:id',
    { schema: deleteConversationSchema },
    async (request, reply) => {
      const deleted = await fastify.jobs.deleteConversation(request.params.id);
      if (!deleted) return notFound(reply, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

function notFound(reply: FastifyReply, id: string) {
  return sendProblem(reply, {
    type: problemTypes.notFound,
    title: 'Conversation not found',
    status: 404,
    detail: `No conversation with id ${id} (conversations are kept for a limited time)`,
  });
}

export default conversations;
