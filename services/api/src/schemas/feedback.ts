import { feedbackRequestSchema } from '@iscoolgpt/shared';
import { jobResponseSchema } from './ask.js';
import { jobNotCompletedProblemSchema, problemSchema, validationProblemSchema } from './problem.js';
import { idParams } from './params.js';

export const putFeedbackSchema = {
  summary: "Rate a job's answer",
  description:
    'Up or down, with an optional comment (at most 2000 characters), for a completed job only ' +
    '(409 otherwise). Putting again replaces the earlier feedback. Answers with the job.',
  tags: ['jobs'],
  params: idParams('job'),
  body: feedbackRequestSchema,
  response: {
    200: jobResponseSchema,
    400: validationProblemSchema,
    404: problemSchema,
    409: jobNotCompletedProblemSchema,
    415: problemSchema,
  },
};
