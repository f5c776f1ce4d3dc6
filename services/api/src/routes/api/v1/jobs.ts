import { toPublicJob } from '@iscoolgpt/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendProblem } from '../../../plugins/app/problem-details.js';
import { getJobSchema } from '../../../schemas/jobs.js';
import { problemTypes } from '../../../schemas/problem.js';

const jobs: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/jobs/:id', { schema: getJobSchema }, async (request, reply) => {
    request.jobId = request.params.id;
    const job = await fastify.jobs.get(request.params.id);
    if (!job) {
      return sendProblem(reply, {
        type: problemTypes.notFound,
        title: 'Job not found',
        status: 404,
        detail: `No job with id ${request.params.id} (jobs are kept for a limited time)`,
      });
    }
    return toPublicJob(job);
  });
};

export default jobs;
