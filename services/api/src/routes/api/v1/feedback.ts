import { toPublicJob } from '@iscoolgpt/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendProblem } from '../../../plugins/app/problem-details.js';
import { putFeedbackSchema } from '../../../schemas/feedback.js';
import { problemTypes } from '../../../schemas/problem.js';
import { sendJobNotFound } from './jobs.js';

const feedback: FastifyPluginAsyncZod = async (fastify) => {
  fastify.put('/jobs/:id/feedback', { schema: putFeedbackSchema }, async (request, reply) => {
    request.jobId = request.params.id;
    const result = await fastify.jobs.giveFeedback(
      request.params.id,
      request.principal,
      request.body,
    );
    switch (result.outcome) {
      case 'given':
        return toPublicJob(result.job);
      case 'missing':
        return sendJobNotFound(reply, request.params.id);
      case 'not_completed':
        return sendProblem(reply, {
          type: problemTypes.jobNotCompleted,
          title: 'Job not completed',
          status: 409,
          detail: `Only a completed job's answer can be rated; this job is ${result.job.status}`,
          code: 'job_not_completed',
          jobId: result.job.id,
        });
    }
  });
};

export default feedback;
