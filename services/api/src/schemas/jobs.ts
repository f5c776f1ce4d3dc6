import { jobResponseSchema } from './ask.js';
import { idParams } from './params.js';
import { problemSchema, validationProblemSchema } from './problem.js';

export const getJobSchema = {
  summary: 'Read a job',
  description: 'The job with its status; poll it after a 202 from ask.',
  tags: ['jobs'],
  params: idParams('job'),
  response: {
    200: jobResponseSchema,
    400: validationProblemSchema,
    404: problemSchema,
  },
};
