import { z } from 'zod';
import { jobResponseSchema } from './ask.js';
import { problemSchema, validationProblemSchema } from './problem.js';

export const getJobSchema = {
  summary: 'Read a job',
  description: 'The job with its status; poll it after a 202 from ask.',
  tags: ['jobs'],
  params: z.object({ id: z.uuid('must be a job id (UUID)') }),
  response: {
    200: jobResponseSchema,
    400: validationProblemSchema,
    404: problemSchema,
  },
};
