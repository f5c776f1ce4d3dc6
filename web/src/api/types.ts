/**
 * The API's shapes as the page reads them, named from the types generated from the API's OpenAPI
 * document (openapi.gen.ts, `npm run api-types`): the page keeps no copy of the contract.
 */
import { jobModeValues, maxLengths, type components, type paths } from './openapi.gen.js';

type Schemas = components['schemas'];

export type Job = Schemas['Job'];
export type Conversation = Schemas['Conversation'];
export type ConversationList = Schemas['ConversationList'];
/** One conversation of the student's list (`GET /api/v1/conversations`). */
export type ConversationSummary = ConversationList['items'][number];
export type JobStatus = Job['status'];
export type Mode = Job['mode'];
export type Rating = NonNullable<Job['feedback']>['rating'];
export type AskBody = paths['/api/v1/ask']['post']['requestBody']['content']['application/json'];
/** What is left of the principal's day (`GET /api/v1/me/usage`). */
export type Usage = Schemas['Usage'];
export type FeedbackBody =
  paths['/api/v1/jobs/{id}/feedback']['put']['requestBody']['content']['application/json'];

/** RFC 9457 problem details, with the extensions some carry (`code`, `jobId`, `errors`). */
export type Problem = Schemas['Problem'] &
  Partial<Pick<Schemas['JobFailedProblem'], 'code' | 'jobId'>> &
  Pick<Schemas['ValidationProblem'], 'errors'>;

/** The modes as the contract lists them. */
export const MODES: readonly Mode[] = jobModeValues;
/** The longest question, subject and feedback comment the API accepts. */
export const QUESTION_MAX_LENGTH = maxLengths.ask.question;
export const SUBJECT_MAX_LENGTH = maxLengths.ask.subject;
export const COMMENT_MAX_LENGTH = maxLengths.feedback.comment;

export function isPending(status: JobStatus): boolean {
  return status === 'queued' || status === 'running';
}
