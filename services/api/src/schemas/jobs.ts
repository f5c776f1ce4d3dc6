import { limitReachedResponse } from './quotas.js';
import { z } from 'zod';
import { jobResponseSchema } from './ask.js';
import { eventStreamSchema } from './events.js';
import { idParams } from './params.js';
import { problemSchema, validationProblemSchema } from './problem.js';

const jobParams = idParams('job');

/** An event id as the server gives them out (`Last-Event-ID`, `?after=`). */
const eventId = z
  .string()
  .max(64)
  .regex(/^[0-9]+(-[0-9]+)?$/, 'must be an event id this server sent');

export const getJobSchema = {
  summary: 'Read a job',
  description: 'The job with its status; poll it after a 202 from ask.',
  tags: ['jobs'],
  params: jobParams,
  response: {
    200: jobResponseSchema,
    400: validationProblemSchema,
    404: problemSchema,
  },
};

export const getJobEventsSchema = {
  summary: "Follow a job's events",
  description:
    'Streams the job as server-sent events: `job`, `delta`, `reset`, `done` (see the 200 response). ' +
    'Reconnect with `Last-Event-ID` (or `?after=` for clients that cannot set headers) to receive exactly ' +
    'the events after that id. For a settled job the stream is its `job` event, then `done`. 204 when a ' +
    'client resumes a finished stream after its `done` event.',
  tags: ['jobs'],
  params: jobParams,
  headers: z.looseObject({
    'last-event-id': eventId.optional().describe('resume after this event'),
  }),
  querystring: z.object({
    after: eventId.optional().describe('resume after this event (same as Last-Event-ID)'),
  }),
  response: {
    200: {
      description: 'The event stream',
      content: { 'text/event-stream': { schema: eventStreamSchema } },
    },
    204: z.null().describe('The stream already ended at that event: nothing more will come'),
    400: validationProblemSchema,
    404: problemSchema,
    429: limitReachedResponse('QUOTA_OPEN_STREAMS of the principal’s streams are open here'),
  },
};

export const cancelJobSchema = {
  summary: 'Cancel a job',
  description:
    'A pending job becomes `cancelled` (error code `cancelled`): its worker stops the provider ' +
    'call and writes nothing more, and its event stream ends with `done`. Cancelling a settled ' +
    'job changes nothing and returns it.',
  tags: ['jobs'],
  params: jobParams,
  response: {
    200: jobResponseSchema,
    400: validationProblemSchema,
    404: problemSchema,
  },
};
