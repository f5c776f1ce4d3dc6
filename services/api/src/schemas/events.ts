import { z } from 'zod';

/**
 * The server-sent events of a job's stream, for the OpenAPI document (SSE payloads are not
 * validated by Fastify; their shapes are the domain's JobEvent).
 */
export const EVENT_STREAM_DESCRIPTION = [
  'A `text/event-stream` (WHATWG server-sent events). Every event has an `id:`; ids grow within a job.',
  'Events by their `event:` name:',
  '- `job`: the job as `GET /api/v1/jobs/{id}` returns it; the first event of a fresh stream, and again when its status changes;',
  '- `delta`: `{"text": "…"}`, the next piece of the answer;',
  '- `reset`: `{"reason": "…"}`, discard the text received so far (a retry, fallback or redelivery starts again; `events_expired` when the events after `Last-Event-ID` are no longer kept);',
  '- `done`: the final job, whatever its terminal status; the server ends the stream after it.',
  'The `delta` texts after the last `reset` make up the final answer. A comment line at least every 15 s keeps the connection alive; `retry:` is sent once.',
].join('\n');

/**
 * One event of a streamed response, as OpenAPI 3.1 documents `text/event-stream` (the schema
 * describes each event): its `id:`, `event:` name and `data:` line (JSON, by event name above).
 */
export const eventStreamSchema = z
  .looseObject({
    id: z.string().regex(/^[0-9]+(-[0-9]+)?$/),
    event: z.enum(['job', 'delta', 'reset', 'done']),
    data: z.string().describe('one line of JSON: the job, `{"text"}` or `{"reason"}`'),
  })
  .describe(EVENT_STREAM_DESCRIPTION);
