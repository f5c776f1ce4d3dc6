/**
 * Streaming through the real HTTP layer in embedded mode: a job's events read with a real SSE
 * parser over a real socket, with a fake OpenAI server that streams its answer slowly.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Job } from '@iscoolgpt/shared';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../../../../../shared/test/support/fake-llm.js';
import {
  eventData,
  openEventStream,
  streamedText,
} from '../../../../../../shared/test/support/sse.js';
import { build } from '../../../support/build.js';

const upstream = await FakeLlmServer.start();
afterAll(() => upstream.close());
beforeEach(() => {
  upstream.reset();
});
const { app } = await build(
  {
    OPENAI_API_KEY: 'sk-test-events-0123456789',
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    LLM_MAX_ATTEMPTS: '2',
    WORKER_CONCURRENCY: '2',
  },
  { eventStream: { heartbeatMs: 300, retryMs: 1500 } },
);
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

const PIECES = ['Energy ', 'is ', 'conserved: ', 'it ', 'changes ', 'form ', 'only.'];
const ANSWER = PIECES.join('');

async function askAsync(question = 'What is energy?'): Promise<Job> {
  const response = await fetch(`${base}/api/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'respond-async' },
    body: JSON.stringify({ question }),
  });
  expect(response.status).toBe(202);
  return (await response.json()) as Job;
}

const events = (id: string, headers: Record<string, string> = {}, query = '') =>
  openEventStream(`${base}/api/v1/jobs/${id}/events${query}`, { headers });

describe('GET /api/v1/jobs/:id/events', () => {
  it('streams a job from `job` to `done`, the deltas making up the answer', async () => {
    upstream.otherwise({
      ...openaiWire.completion(ANSWER),
      stream: { pieces: PIECES, intervalMs: 120 },
    });
    const job = await askAsync();

    const stream = await events(job.id);
    await stream.ended;

    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const names = stream.events.map((event) => event.event);
    expect(names[0]).toBe('job');
    expect(eventData<Job>(stream.events[0]).id).toBe(job.id);
    expect(names.at(-1)).toBe('done');
    expect(names.filter((name) => name === 'delta').length).toBeGreaterThanOrEqual(3);
    const done = eventData<Job>(stream.events.at(-1));
    expect(done).toMatchObject({ id: job.id, status: 'completed', answer: ANSWER });
    expect(streamedText(stream.events).trim()).toBe(done.answer);
    expect(stream.retries).toEqual([1500]);
  });

  it('gives every event an id, the ids growing within the job', async () => {
    upstream.otherwise({
      ...openaiWire.completion(ANSWER),
      stream: { pieces: PIECES, intervalMs: 60 },
    });
    const job = await askAsync();

    const stream = await events(job.id);
    await stream.ended;

    const ids = stream.events.map((event) => event.id);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    // The first event is the state at connect time; the log's events follow it in order.
    const logged = ids.slice(1).map(Number);
    expect(logged).toEqual([...logged].sort((a, b) => a - b));
    expect(new Set(logged).size).toBe(logged.length);
  });

  it('after a reconnect with Last-Event-ID past the second delta, sends exactly the rest', async () => {
    upstream.otherwise({
      ...openaiWire.completion(ANSWER),
      stream: { pieces: PIECES, intervalMs: 150 },
    });
    const job = await askAsync();
    const first = await events(job.id);
    const second = await first.waitFor(
      (event, index) =>
        event.event === 'delta' &&
        first.events.slice(0, index + 1).filter((e) => e.event === 'delta').length === 2,
    );
    first.cut();
    const received = first.events.slice(0, first.events.indexOf(second) + 1);

    const resumed = await events(job.id, { 'last-event-id': second.id ?? '' });
    await resumed.ended;

    const whole = [...received, ...resumed.events];
    expect(whole.filter((event) => event.event === 'done')).toHaveLength(1);
    expect(streamedText(whole).trim()).toBe(ANSWER);
    // No event twice: the ids after the resume point are all new.
    const seen = new Set(received.map((event) => event.id));
    expect(resumed.events.filter((event) => seen.has(event.id))).toEqual([]);
    expect(resumed.events[0]?.event).not.toBe('reset');
  });

  it('takes ?after= for clients that cannot set headers', async () => {
    upstream.otherwise({
      ...openaiWire.completion(ANSWER),
      stream: { pieces: PIECES, intervalMs: 100 },
    });
    const job = await askAsync();
    const first = await events(job.id);
    const delta = await first.waitFor((event) => event.event === 'delta');
    first.cut();
    const received = first.events.slice(0, first.events.indexOf(delta) + 1);

    const resumed = await events(job.id, {}, `?after=${delta.id}`);
    await resumed.ended;

    expect(streamedText([...received, ...resumed.events]).trim()).toBe(ANSWER);
  });

  it('for a settled job, sends its `job` event, then `done`, and ends', async () => {
    upstream.otherwise(openaiWire.completion('Settled already.'));
    const asked = await fetch(`${base}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=10' },
      body: JSON.stringify({ question: 'Quick one?' }),
    });
    const job = (await asked.json()) as Job;
    expect(job.status).toBe('completed');

    const stream = await events(job.id);
    await stream.ended;

    expect(stream.events.map((event) => event.event)).toEqual(['job', 'done']);
    expect(eventData<Job>(stream.events[0]).answer).toBe('Settled already.');
    expect(eventData<Job>(stream.events[1]).status).toBe('completed');
  });

  it('answers a resume after `done` with 204, so EventSource stops reconnecting', async () => {
    upstream.otherwise(openaiWire.completion('Over.'));
    const job = await askAsync();
    const stream = await events(job.id);
    await stream.ended;
    const done = stream.events.at(-1);
    expect(done?.event).toBe('done');

    const again = await fetch(`${base}/api/v1/jobs/${job.id}/events`, {
      headers: { accept: 'text/event-stream', 'last-event-id': done?.id ?? '' },
    });

    expect(again.status).toBe(204);
  });

  it('starts with `reset` and the job when the events after Last-Event-ID are no longer kept', async () => {
    upstream.otherwise(openaiWire.completion('Kept in the store.'));
    const job = await askAsync();
    await (
      await events(job.id)
    ).ended;

    const stream = await events(job.id, { 'last-event-id': '999999' });
    await stream.ended;

    expect(stream.events.map((event) => event.event)).toEqual(['reset', 'job', 'done']);
    expect(eventData<Job>(stream.events[1]).answer).toBe('Kept in the store.');
  });

  it('keeps an idle stream alive with comment lines', async () => {
    upstream.otherwise({ ...openaiWire.completion('Slow start.'), delayMs: 1200 });
    const job = await askAsync();

    const stream = await events(job.id);
    await stream.ended;

    expect(stream.comments.length).toBeGreaterThanOrEqual(2);
    expect(stream.events.at(-1)?.event).toBe('done');
  });

  it('answers 404 problem+json for an unknown job and 400 for a malformed id, before any stream', async () => {
    const unknown = await fetch(`${base}/api/v1/jobs/${randomUUID()}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    const malformed = await fetch(`${base}/api/v1/jobs/nope/events`, {
      headers: { accept: 'text/event-stream' },
    });

    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('on a retry after a stream cut halfway, sends `reset`, then the whole new answer', async () => {
    upstream.reply({
      ...openaiWire.completion('The first try breaks off here'),
      stream: { cutAfter: 3, intervalMs: 20 },
    });
    upstream.otherwise({ ...openaiWire.completion(ANSWER), stream: { pieces: PIECES } });
    const job = await askAsync();

    const stream = await events(job.id);
    await stream.ended;

    const names = stream.events.map((event) => event.event);
    expect(names).toContain('reset');
    expect(names.indexOf('delta')).toBeLessThan(names.lastIndexOf('reset'));
    const done = eventData<Job>(stream.events.at(-1));
    expect(done).toMatchObject({ status: 'completed', answer: ANSWER, attempts: 2 });
    expect(streamedText(stream.events).trim()).toBe(done.answer);
  });
});

describe('POST /api/v1/ask with Accept: text/event-stream', () => {
  it('streams the new job in the same response, its first event the job with its id', async () => {
    upstream.otherwise({
      ...openaiWire.completion(ANSWER),
      stream: { pieces: PIECES, intervalMs: 30 },
    });

    const stream = await openEventStream(`${base}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'What is energy?' }),
    });
    await stream.ended;

    expect(stream.response.status).toBe(200);
    const first = eventData<Job>(stream.events[0]);
    expect(stream.events[0]?.event).toBe('job');
    expect(first).toMatchObject({ question: 'What is energy?' });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(eventData<Job>(stream.events.at(-1))).toMatchObject({ id: first.id, answer: ANSWER });
    expect(streamedText(stream.events).trim()).toBe(ANSWER);
  });

  it('answers a bad body with the usual 400 problem+json, not a stream', async () => {
    const response = await fetch(`${base}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ question: '' }),
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('streams the existing job on an idempotent replay', async () => {
    upstream.otherwise(openaiWire.completion('Once.'));
    const key = `key-${randomUUID()}`;
    const ask = () =>
      openEventStream(`${base}/api/v1/ask`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ question: 'Replay me?' }),
      });
    const first = await ask();
    await first.ended;

    const replay = await ask();
    await replay.ended;

    expect(eventData<Job>(replay.events[0]).id).toBe(eventData<Job>(first.events[0]).id);
    expect(eventData<Job>(replay.events.at(-1)).answer).toBe('Once.');
    expect(upstream.requests).toHaveLength(1);
  });
});

describe('POST /api/v1/jobs/:id/cancel', () => {
  it('stops a streaming job: the upstream connection closes within 2 s and the job reads cancelled, with no answer', async () => {
    upstream.otherwise({
      ...openaiWire.completion('a b c d e f g h i j k l m n o p q r s t u v w x y z'),
      stream: { intervalMs: 400 },
    });
    const job = await askAsync();
    const stream = await events(job.id);
    await stream.waitFor((event) => event.event === 'delta');

    const cancelledAt = performance.now();
    const response = await fetch(`${base}/api/v1/jobs/${job.id}/cancel`, { method: 'POST' });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: job.id,
      status: 'cancelled',
      answer: null,
      error: { code: 'cancelled' },
    });
    await vi.waitFor(() => expect(upstream.requests[0]?.abortedAt).toBeDefined(), {
      timeout: 2000,
      interval: 20,
    });
    expect((upstream.requests[0]?.abortedAt ?? Infinity) - cancelledAt).toBeLessThan(2000);
    await stream.ended;
    expect(stream.events.at(-1)?.event).toBe('done');
    expect(eventData<Job>(stream.events.at(-1)).status).toBe('cancelled');
    // The job stays cancelled with no answer, and keeps the text streamed before the cancel:
    // exactly what the client was sent.
    const sent = streamedText(stream.events);
    expect(sent.length).toBeGreaterThan(0);
    await vi.waitFor(
      async () => {
        const read = (await (await fetch(`${base}/api/v1/jobs/${job.id}`)).json()) as Job;
        expect(read).toMatchObject({ status: 'cancelled', answer: null, partialAnswer: sent });
      },
      { timeout: 3000, interval: 50 },
    );
    // It is the conversation's turn as well, as the page reads it on reopening.
    const conversation = (await (
      await fetch(`${base}/api/v1/conversations/${job.conversationId}`)
    ).json()) as { turns: Job[] };
    expect(conversation.turns[0]).toMatchObject({ status: 'cancelled', partialAnswer: sent });
  });

  it('cancels a queued job before any provider call', async () => {
    upstream.otherwise({ ...openaiWire.completion('busy'), delayMs: 1500 });
    // Two slots, both taken: the third job waits in the queue.
    const busy = [await askAsync('one'), await askAsync('two')];
    await vi.waitFor(() => expect(upstream.requests).toHaveLength(2), { timeout: 10_000 });
    const queued = await askAsync('three');

    const response = await fetch(`${base}/api/v1/jobs/${queued.id}/cancel`, { method: 'POST' });

    expect(response.status).toBe(200);
    expect((await response.json()) as Job).toMatchObject({
      id: queued.id,
      status: 'cancelled',
      partialAnswer: null,
    });
    await vi.waitFor(
      async () => {
        for (const job of busy) {
          const read = (await (await fetch(`${base}/api/v1/jobs/${job.id}`)).json()) as Job;
          expect(read.status).toBe('completed');
        }
      },
      { timeout: 5000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(upstream.requests).toHaveLength(2);
  });

  it('changes nothing on a settled job and returns it', async () => {
    upstream.otherwise(openaiWire.completion('Done before the cancel.'));
    const asked = await fetch(`${base}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=10' },
      body: JSON.stringify({ question: 'Fast?' }),
    });
    const job = (await asked.json()) as Job;

    const response = await fetch(`${base}/api/v1/jobs/${job.id}/cancel`, { method: 'POST' });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'completed',
      answer: 'Done before the cancel.',
    });
  });

  it('answers 404 for an unknown job', async () => {
    const response = await fetch(`${base}/api/v1/jobs/${randomUUID()}/cancel`, { method: 'POST' });
    expect(response.status).toBe(404);
  });

  it('makes a sync ask waiting on the job answer 409 with code cancelled and the job id', async () => {
    upstream.otherwise({ ...openaiWire.completion('too late'), delayMs: 3000 });
    const ask = (prefer: string) =>
      fetch(`${base}/api/v1/ask`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer, 'idempotency-key': key },
        body: JSON.stringify({ question: 'Will you wait?' }),
      });
    const key = `key-${randomUUID()}`;
    const waiting = ask('wait=10');
    await vi.waitFor(() => expect(upstream.requests).toHaveLength(1), { timeout: 10_000 });
    // The same key and body name the same job: its id, without waiting.
    const { id } = (await (await ask('respond-async')).json()) as Job;

    await fetch(`${base}/api/v1/jobs/${id}/cancel`, { method: 'POST' });
    const response = await waiting;

    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 409, code: 'cancelled', jobId: id });
  });
});
