/**
 * The answer cache in embedded mode, through real HTTP, with a fake OpenAI server that counts the
 * requests it gets: what is a hit, what is never one, `Cache-Control: no-cache`, a down rating,
 * identical asks in flight at once, and the `Cache-Status` of every ask.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Job } from '@iscoolgpt/shared';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../../../../../shared/test/support/fake-llm.js';
import { readScrape } from '../../../../../../shared/test/support/prometheus.js';
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
  upstream.otherwise(openaiWire.completion(ANSWER, { usage: USAGE }));
});
const { app } = await build({
  ANSWER_CACHE: 'on',
  // What happens, not how fast: a loaded machine must not turn a lookup into a miss.
  ANSWER_CACHE_TIMEOUT_MS: '1500',
  OPENAI_API_KEY: 'sk-test-answer-cache-0123456789',
  OPENAI_BASE_URL: `${upstream.url}/v1`,
  LLM_MAX_ATTEMPTS: '1',
  // A second model, allowed, for the "another model is a miss" case.
  LLM_MODELS: 'gpt-4o-mini,gpt-4o',
  WORKER_CONCURRENCY: '5',
});
await app.listen({ port: 0, host: '127.0.0.1' });
/** The same server with the cache off. */
const off = await build({
  ANSWER_CACHE: 'off',
  OPENAI_API_KEY: 'sk-test-answer-cache-0123456789',
  OPENAI_BASE_URL: `${upstream.url}/v1`,
});
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

const ANSWER = 'A derivative is the rate of change of a function: 1. Take a point…';
const USAGE = { prompt_tokens: 120, completion_tokens: 48 };

/** A question no other test asks (the cache lives as long as the app). */
const fresh = (text = 'What is a derivative?') => `${text} (${randomUUID().slice(0, 8)})`;

interface Asked {
  status: number;
  cacheStatus: string | null;
  job: Job;
}

async function ask(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/api/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    cacheStatus: response.headers.get('cache-status'),
    job: (await response.json()) as Job,
  } satisfies Asked;
}

const rate = (id: string, rating: 'up' | 'down') =>
  fetch(`${base}/api/v1/jobs/${id}/feedback`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rating }),
  });

describe('a second identical first question', () => {
  it('is answered from the cache: no provider request, cached, nothing used, Cache-Status hit', async () => {
    const question = fresh();
    const first = await ask({ question, subject: 'maths', language: 'en' });
    expect(first.status).toBe(200);
    expect(first.cacheStatus).toBe('iscoolgpt; fwd=miss');
    expect(first.job).toMatchObject({ cached: false, cachedUsage: null, attempts: 1 });
    expect(upstream.requests).toHaveLength(1);

    const second = await ask({ question, subject: 'maths', language: 'en' });

    expect(upstream.requests).toHaveLength(1);
    expect(second.status).toBe(200);
    expect(second.cacheStatus).toBe('iscoolgpt; hit');
    expect(second.job.id).not.toBe(first.job.id);
    expect(second.job.conversationId).not.toBe(first.job.conversationId);
    expect(second.job).toMatchObject({
      status: 'completed',
      turn: 1,
      answer: ANSWER,
      cached: true,
      attempts: 0,
      provider: 'openai',
      model: first.job.model,
      usage: { inputTokens: 0, outputTokens: 0 },
      cachedUsage: first.job.usage,
    });
    expect(first.job.usage).toMatchObject({ inputTokens: 120, outputTokens: 48 });
  });

  it('is a hit whatever its case, spacing and accents as typed', async () => {
    const question = fresh('O que é fotossíntese?');
    await ask({ question, subject: 'Biologia', language: 'pt-BR' });

    const again = await ask({
      question: `  ${question.toUpperCase().replace('É', 'E\u0301').replace(' ', '   ')} `,
      subject: 'BIOLOGIA ',
      language: 'PT-br',
    });

    expect(again.cacheStatus).toBe('iscoolgpt; hit');
    expect(upstream.requests).toHaveLength(1);
  });

  it('streams like any job: `job`, `delta`, `done`, the deltas making up the answer', async () => {
    const question = fresh();
    await ask({ question });

    const stream = await openEventStream(`${base}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    });
    await stream.ended;

    expect(upstream.requests).toHaveLength(1);
    expect(stream.response.headers.get('cache-status')).toBe('iscoolgpt; hit');
    const kinds = stream.events.map((event) => event.event);
    expect(kinds[0]).toBe('job');
    expect(kinds.at(-1)).toBe('done');
    expect(kinds.slice(1, -1).length).toBeGreaterThan(0);
    expect(new Set(kinds.slice(1, -1))).toEqual(new Set(['delta']));
    expect(eventData<Job>(stream.events[0]!).status).toBe('queued');
    expect(streamedText(stream.events)).toBe(ANSWER);
    expect(eventData<Job>(stream.events.at(-1)!)).toMatchObject({ cached: true, answer: ANSWER });
    // Ids grow within the job, as for any job.
    const ids = stream.events.map((event) => Number(event.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('answers an async ask at once, completed', async () => {
    const question = fresh();
    await ask({ question });

    const again = await ask({ question }, { prefer: 'respond-async' });

    expect(again.status).toBe(200);
    expect(again.job.status).toBe('completed');
    expect(again.cacheStatus).toBe('iscoolgpt; hit');
  });
});

describe('what is never a hit', () => {
  it('a question differing by a number, by subject, level, language or model', async () => {
    const stem = fresh('Solve 2x + 3 =');
    const original = { question: `${stem} 7`, subject: 'maths', level: 'school', language: 'en' };
    await ask(original);
    const variants = [
      { ...original, question: `${stem} 8` },
      { ...original, subject: 'physics' },
      { ...original, level: 'university' },
      { ...original, language: 'pt-BR' },
      { ...original, model: 'gpt-4o' },
    ];

    for (const variant of variants) {
      const asked = await ask(variant);
      expect(asked.cacheStatus, JSON.stringify(variant)).toBe('iscoolgpt; fwd=miss');
      expect(asked.job.cached).toBe(false);
    }
    expect(upstream.requests).toHaveLength(1 + variants.length);
  });

  it('a follow-up, and a tutor-mode or quiz-mode ask', async () => {
    const question = fresh();
    const first = await ask({ question });

    const followUp = await ask({ question, conversationId: first.job.conversationId });
    const tutor = await ask({ question, mode: 'tutor' });
    const tutorAgain = await ask({ question, mode: 'tutor' });
    const quiz = await ask({ question, mode: 'quiz' });

    for (const asked of [followUp, tutor, tutorAgain, quiz]) {
      expect(asked.cacheStatus).toBe('iscoolgpt; fwd=bypass');
      expect(asked.job.cached).toBe(false);
    }
    expect(followUp.job.turn).toBe(2);
    expect(upstream.requests).toHaveLength(5);
    // The follow-up's answer was not kept either: the first question is still the first's.
    expect((await ask({ question })).job.answer).toBe(first.job.answer);
  });

  it('a failed answer is not kept: the next identical ask goes to the model', async () => {
    const question = fresh();
    upstream.reply(openaiWire.error(400, { message: 'bad request', type: 'invalid_request' }));
    const failed = await ask({ question });
    expect(failed.status).toBe(502);

    const next = await ask({ question });

    expect(next.cacheStatus).toBe('iscoolgpt; fwd=miss');
    expect(next.job).toMatchObject({ status: 'completed', cached: false });
    expect(upstream.requests).toHaveLength(2);
  });
});

describe('Cache-Control: no-cache', () => {
  it('goes to the model and replaces the kept answer', async () => {
    const question = fresh();
    await ask({ question });
    upstream.reply(openaiWire.completion('A newer, better answer.'));

    const refreshed = await ask({ question }, { 'cache-control': 'no-cache' });
    const next = await ask({ question });

    expect(refreshed.cacheStatus).toBe('iscoolgpt; fwd=request');
    expect(refreshed.job).toMatchObject({ cached: false, answer: 'A newer, better answer.' });
    expect(upstream.requests).toHaveLength(2);
    expect(next.cacheStatus).toBe('iscoolgpt; hit');
    expect(next.job.answer).toBe('A newer, better answer.');
  });
});

describe('a down rating', () => {
  it('on an answer that came from the cache evicts it: the next ask goes to the model', async () => {
    const question = fresh();
    await ask({ question });
    const hit = await ask({ question });
    expect(hit.job.cached).toBe(true);

    expect((await rate(hit.job.id, 'down')).status).toBe(200);
    const next = await ask({ question });

    expect(next.cacheStatus).toBe('iscoolgpt; fwd=miss');
    expect(next.job.cached).toBe(false);
    expect(upstream.requests).toHaveLength(2);
  });

  it('on the answer that went into the cache evicts it; an up rating does not', async () => {
    const question = fresh();
    const first = await ask({ question });
    await rate(first.job.id, 'up');
    expect((await ask({ question })).cacheStatus).toBe('iscoolgpt; hit');

    await rate(first.job.id, 'down');

    expect((await ask({ question })).cacheStatus).toBe('iscoolgpt; fwd=miss');
  });
});

describe('erasing a conversation', () => {
  it('evicts the answer its first turn put in the cache: nothing of it is served again', async () => {
    const question = fresh();
    const first = await ask({ question });

    const deleted = await fetch(`${base}/api/v1/conversations/${first.job.conversationId}`, {
      method: 'DELETE',
    });
    const next = await ask({ question });

    expect(deleted.status).toBe(204);
    expect(next.cacheStatus).toBe('iscoolgpt; fwd=miss');
    expect(upstream.requests).toHaveLength(2);
  });
});

describe('identical first questions in flight at once', () => {
  it('five make one provider request, each completed as its own job', async () => {
    const question = fresh();
    upstream.otherwise({ ...openaiWire.completion(ANSWER, { usage: USAGE }), delayMs: 500 });

    const asked = await Promise.all(Array.from({ length: 5 }, () => ask({ question })));

    expect(upstream.requests).toHaveLength(1);
    expect(new Set(asked.map((one) => one.job.id)).size).toBe(5);
    for (const one of asked) {
      expect(one.status).toBe(200);
      expect(one.job).toMatchObject({ status: 'completed', answer: ANSWER, turn: 1 });
    }
    expect(asked.filter((one) => one.job.cached)).toHaveLength(4);
    expect(asked.filter((one) => one.job.attempts === 1)).toHaveLength(1);
  });

  it('the others go to the model when the one asking fails', async () => {
    const question = fresh();
    upstream.reply({
      ...openaiWire.error(400, { message: 'bad request', type: 'invalid_request' }),
      delayMs: 300,
    });

    const asked = await Promise.all(Array.from({ length: 3 }, () => ask({ question })));

    expect(asked.map((one) => one.status).sort()).toEqual([200, 200, 502]);
    // The first of those left leads again: one more request, not two.
    expect(upstream.requests).toHaveLength(2);
  });
});

describe('Cache-Status on every ask', () => {
  it('an idempotent replay, and an ask refused before any job exists', async () => {
    const question = fresh();
    const key = randomUUID();
    await ask({ question }, { 'idempotency-key': key });
    const replay = await ask({ question }, { 'idempotency-key': key });
    const refused = await ask({ question: '' });

    expect(replay.cacheStatus).toBe('iscoolgpt; fwd=bypass; detail=replay');
    expect(refused.status).toBe(400);
    expect(refused.cacheStatus).toBe('iscoolgpt; fwd=bypass');
  });
});

describe('ANSWER_CACHE=off', () => {
  it('asks the model every time, and says so', async () => {
    const question = fresh();
    const asked = [];
    for (let i = 0; i < 2; i++) {
      asked.push(
        await off.app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question } }),
      );
    }

    expect(asked.map((one) => one.headers['cache-status'])).toEqual([
      'iscoolgpt; fwd=bypass; detail=off',
      'iscoolgpt; fwd=bypass; detail=off',
    ]);
    expect(asked.map((one) => one.json<Job>().cached)).toEqual([false, false]);
    expect(upstream.requests).toHaveLength(2);
  });
});

describe('metrics', () => {
  it('counts hits, misses, bypasses and evictions', async () => {
    const before = readScrape(await (await fetch(`${base}/metrics`)).text());
    const count = (scrape: typeof before, result: string) =>
      scrape.value('iscoolgpt_answer_cache_lookups_total', { result });
    const question = fresh();

    const first = await ask({ question });
    await ask({ question });
    await ask({ question }, { 'cache-control': 'no-cache' });
    await rate(first.job.id, 'down');

    const after = readScrape(await (await fetch(`${base}/metrics`)).text());
    expect(count(after, 'miss') - count(before, 'miss')).toBe(1);
    expect(count(after, 'hit') - count(before, 'hit')).toBe(1);
    expect(count(after, 'bypass') - count(before, 'bypass')).toBe(1);
    // The no-cache answer replaced the entry with the same text: the down rating evicts it.
    expect(
      after.value('iscoolgpt_answer_cache_evictions_total') -
        (before.value('iscoolgpt_answer_cache_evictions_total') ?? 0),
    ).toBe(1);
  });
});
