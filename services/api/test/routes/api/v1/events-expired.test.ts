/**
 * Resuming a settled job's stream once its event log expired (JOB_EVENTS_TTL_SECONDS, 1 s here):
 * the client's place is gone, so the stream starts over from the store, whatever Last-Event-ID it
 * sends — never an empty 204, which would leave a client that never saw `done` without the answer.
 */
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '@iscoolgpt/shared';
import { describe, expect, it } from 'vitest';
import { eventData, openEventStream } from '../../../../../../shared/test/support/sse.js';
import { build } from '../../../support/build.js';

const { app } = await build({ JOB_EVENTS_TTL_SECONDS: '1' });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

describe('GET /api/v1/jobs/:id/events after the log expired', () => {
  it('answers `reset`, `job`, `done` to a resume from any event id, the origin included', async () => {
    const asked = await fetch(`${base}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=10' },
      body: JSON.stringify({ question: 'Still there?' }),
    });
    const job = (await asked.json()) as Job;
    expect(job.status).toBe('completed');
    const whole = await openEventStream(`${base}/api/v1/jobs/${job.id}/events`, {
      headers: { 'last-event-id': '0' },
    });
    await whole.ended;
    const ids = whole.events.map((event) => event.id ?? '');
    expect(whole.events.at(-1)?.event).toBe('done');

    await sleep(1500);

    for (const lastEventId of ['0', ...ids]) {
      const resumed = await openEventStream(`${base}/api/v1/jobs/${job.id}/events`, {
        headers: { 'last-event-id': lastEventId },
      });
      await resumed.ended;
      expect(resumed.response.status).toBe(200);
      expect(resumed.events.map((event) => event.event)).toEqual(['reset', 'job', 'done']);
      expect(eventData<Job>(resumed.events.at(-1))).toMatchObject({
        id: job.id,
        status: 'completed',
        answer: job.answer,
      });
    }
  });
});
