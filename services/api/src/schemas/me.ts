import { dataExportSchema } from '@iscoolgpt/shared';
import { z } from 'zod';
import { problemSchema, validationProblemSchema } from './problem.js';
import { jsonResponse } from './responses.js';

export const exportSchema = {
  summary: 'Download my data',
  description:
    'Every conversation of the principal making the request with every turn (question, answer, ' +
    'mode, feedback, timestamps), as a JSON file (`Content-Disposition: attachment`).',
  tags: ['identity'],
  response: {
    200: jsonResponse(dataExportSchema, 'Everything this principal has', {
      'content-disposition': {
        description: '`attachment; filename="iscoolgpt-data-<date>.json"`',
        required: true,
        schema: { type: 'string' },
      },
    }),
  },
};

export const eraseSchema = {
  summary: 'Delete my data',
  description:
    'Erases everything the principal making the request has: pending turns are cancelled first, ' +
    'then every conversation, job, Idempotency-Key record and event log is deleted. Every former ' +
    'id then answers 404 and the list is empty.',
  tags: ['identity'],
  response: { 204: z.null().describe('erased') },
};

export const claimRequestSchema = z.strictObject({
  guestToken: z
    .string()
    .min(1, 'guestToken must not be empty')
    .max(4096)
    .describe('the guest token (from POST /api/v1/sessions) whose conversations to take over'),
});

const guestTokenProblemSchema = problemSchema
  .extend({ code: z.literal('invalid_guest_token') })
  .meta({ id: 'InvalidGuestTokenProblem' });

export const claimSchema = {
  summary: "Claim a guest's conversations",
  description:
    'A signed-in user takes over the conversations (and their turns) of a guest session whose ' +
    'token they hold: the page does it at sign-in, so nothing asked as a guest is lost. ' +
    'Idempotent. 400 `invalid_guest_token` for a token that is not a valid guest token; 403 ' +
    'for a principal that is not a signed-in user.',
  tags: ['identity'],
  body: claimRequestSchema,
  response: {
    200: jsonResponse(
      z
        .object({
          claimed: z.number().int().nonnegative().describe('conversations taken over now'),
        })
        .meta({ id: 'ClaimResult' }),
      'The guest’s conversations are now this user’s',
    ),
    400: z.union([validationProblemSchema, guestTokenProblemSchema]),
    403: problemSchema
      .extend({ code: z.literal('sign_in_required') })
      .meta({ id: 'SignInRequiredProblem' }),
  },
};
