/**
 * Conversations on the two-process AWS path: `start:api` and `start:worker` as real processes
 * against local AWS (moto or LocalStack) and a fake OpenAI server. The worker reads a turn's
 * earlier turns from DynamoDB and sends them to the model; the api decides the one-turn-at-a-time
 * race with a conditional write.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  countChatTokens,
  settingsLine,
  systemPrompt,
  type ChatMessage,
  type Job,
} from '@iscoolgpt/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../shared/test/support/fake-llm.js';
import { createAwsSuite, type AwsSuite } from '../support/aws-suite.js';
import { freePort } from '../support/host.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

/** Small enough that a few long turns overflow it, large enough for the short ones. */
const BUDGET = 700;

let suite: AwsSuite;
let fake: FakeLlmServer;
let apiUrl: string;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  suite = await createAwsSuite({ visibilityTimeoutSeconds: 5 });
  fake = await FakeLlmServer.start();
  const common = { ...suite.env, LOG_LEVEL: 'info', CONTEXT_MAX_TOKENS: String(BUDGET) };
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  const api = startService('api', { ...common, PORT: String(port), HOST: '127.0.0.1' });
  const worker = startService('worker', {
    ...common,
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    WORKER_CONCURRENCY: '4',
  });
  running.push(api, worker);
  // Two processes compiling TypeScript at start-up on a busy 2-core machine: give them time.
  await Promise.all([
    api.waitForLog((line) => line.msg === 'api service started', 90_000),
    worker.waitForLog((line) => line.msg === 'worker started', 90_000),
  ]);
});

afterEach(() => {
  fake.reset();
});

afterAll(async () => {
  for (const service of running) if (service.child.exitCode === null) service.kill('SIGKILL');
  await fake?.close();
  await suite?.cleanup();
});

function ask(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${apiUrl}/api/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'wait=20', ...headers },
    body: JSON.stringify(body),
  });
}

async function answered(body: Record<string, unknown>): Promise<Job> {
  const response = await ask(body);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as Job;
}

const get = (path: string) => fetch(`${apiUrl}/api/v1${path}`);

async function settled(id: string): Promise<Job> {
  for (let i = 0; i < 100; i++) {
    const job = (await (await get(`/jobs/${id}`)).json()) as Job;
    if (!['queued', 'running'].includes(job.status)) return job;
    await sleep(200);
  }
  throw new Error(`job ${id} did not settle`);
}

const completions = () => fake.requests.filter((r) => r.path === '/v1/chat/completions');
const messagesOf = (index: number) =>
  (completions()[index]?.body as { messages: ChatMessage[] }).messages;

describe('a conversation through api → SQS → worker → DynamoDB', () => {
  it('sends turn 3 the system prompt, turns 1 and 2 (question and answer) in order, then the third question', async () => {
    fake.reply(
      openaiWire.completion('Photosynthesis turns light into sugar.'),
      openaiWire.completion('A leaf in sunlight makes glucose.'),
      openaiWire.completion('Chlorophyll absorbs the light in step 2.'),
    );

    const first = await answered({ question: 'What is photosynthesis?', subject: 'biology' });
    const second = await answered({
      question: 'Give me an example',
      conversationId: first.conversationId,
    });
    const third = await answered({
      question: 'I still do not get step 2',
      conversationId: first.conversationId,
    });

    expect([first.turn, second.turn, third.turn]).toEqual([1, 2, 3]);
    expect(messagesOf(2)).toEqual([
      {
        role: 'system',
        content: systemPrompt({ mode: 'explain' }),
      },
      { role: 'user', content: 'What is photosynthesis?' },
      { role: 'assistant', content: 'Photosynthesis turns light into sugar.' },
      { role: 'user', content: 'Give me an example' },
      { role: 'assistant', content: 'A leaf in sunlight makes glucose.' },
      // The conversation's settings open the new question, as data.
      {
        role: 'user',
        content: 'Settings (JSON): {"subject":"biology"}\n\nI still do not get step 2',
      },
    ]);

    // GET lists the turns in order.
    const conversation = await get(`/conversations/${first.conversationId}`);
    expect(conversation.status).toBe(200);
    const body = (await conversation.json()) as { subject: string; turns: Job[] };
    expect(body.subject).toBe('biology');
    expect(body.turns.map((turn) => [turn.id, turn.turn])).toEqual([
      [first.id, 1],
      [second.id, 2],
      [third.id, 3],
    ]);
  });

  it('inherits the settings of the conversation, and an ask that sets one overrides it from then on', async () => {
    fake.otherwise(openaiWire.completion('An answer.'));
    const first = await answered({
      question: 'What is a vector?',
      subject: 'physics',
      level: 'high school',
      language: 'en',
      mode: 'tutor',
    });
    const inherited = await answered({
      question: 'And a scalar?',
      conversationId: first.conversationId,
    });
    const overridden = await answered({
      question: 'Quiz me',
      conversationId: first.conversationId,
      mode: 'quiz',
      language: 'pt-BR',
    });

    expect(inherited).toMatchObject({
      subject: 'physics',
      level: 'high school',
      language: 'en',
      mode: 'tutor',
    });
    expect(overridden).toMatchObject({
      subject: 'physics',
      level: 'high school',
      language: 'pt-BR',
      mode: 'quiz',
    });
    expect(messagesOf(1)[0]?.content).toBe(systemPrompt({ mode: 'tutor' }));
    expect(messagesOf(1).at(-1)?.content).toBe(
      `${settingsLine({ subject: 'physics', level: 'high school', language: 'en', mode: 'tutor' })}And a scalar?`,
    );
    expect(messagesOf(2)[0]?.content).toBe(systemPrompt({ mode: 'quiz' }));
    expect(messagesOf(2).at(-1)?.content).toBe(
      `${settingsLine({ subject: 'physics', level: 'high school', language: 'pt-BR', mode: 'quiz' })}Quiz me`,
    );
  });

  it('refuses a turn while the previous one is pending (409 turn_in_progress), and accepts exactly one of two racing asks', async () => {
    fake.otherwise({ ...openaiWire.completion('Slow answer.'), delayMs: 1500 });
    const pendingResponse = await ask({ question: 'Slow one' }, { prefer: 'respond-async' });
    expect(pendingResponse.status).toBe(202);
    const pending = (await pendingResponse.json()) as Job;

    const refused = await ask({ question: 'Too soon', conversationId: pending.conversationId });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({ code: 'turn_in_progress', jobId: pending.id });

    await settled(pending.id);
    const racers = await Promise.all(
      ['Racer A', 'Racer B'].map((question) =>
        ask({ question, conversationId: pending.conversationId }, { prefer: 'respond-async' }),
      ),
    );
    const statuses = racers.map((response) => response.status).sort();
    expect(statuses).toEqual([202, 409]);
    const winner = (await racers.find((r) => r.status === 202)!.json()) as Job;
    const loser = (await racers.find((r) => r.status === 409)!.json()) as {
      code: string;
      jobId: string;
    };
    expect(winner.turn).toBe(2);
    expect(loser).toMatchObject({ code: 'turn_in_progress', jobId: winner.id });
    await settled(winner.id);
    const conversation = (await (await get(`/conversations/${pending.conversationId}`)).json()) as {
      turns: Job[];
    };
    expect(conversation.turns.map((turn) => turn.id)).toEqual([pending.id, winner.id]);
  });

  it('answers 404 for a turn on an unknown conversation', async () => {
    const response = await ask({ question: 'Hello?', conversationId: randomUUID() });
    expect(response.status).toBe(404);
  });

  it('DELETE erases the conversation and each of its jobs: all answer 404 afterwards', async () => {
    fake.otherwise(openaiWire.completion('An answer.'));
    const first = await answered({ question: 'Private one' });
    const second = await answered({
      question: 'Private two',
      conversationId: first.conversationId,
    });

    const deleted = await fetch(`${apiUrl}/api/v1/conversations/${first.conversationId}`, {
      method: 'DELETE',
    });

    expect(deleted.status).toBe(204);
    expect((await get(`/conversations/${first.conversationId}`)).status).toBe(404);
    for (const job of [first, second]) {
      expect((await get(`/jobs/${job.id}`)).status).toBe(404);
      expect((await get(`/jobs/${job.id}/events`)).status).toBe(404);
    }
  });

  it('DELETE of a conversation whose turn is streaming cancels it first: the worker closes the model call', async () => {
    fake.otherwise({
      ...openaiWire.completion(`a slow answer ${'word '.repeat(200)}`.trim()),
      stream: { intervalMs: 300 },
    });
    const pending = (await (
      await ask({ question: 'Slow' }, { prefer: 'respond-async' })
    ).json()) as Job;
    await vi.waitFor(() => expect(completions()).toHaveLength(1), { timeout: 10_000 });

    const deleted = await fetch(`${apiUrl}/api/v1/conversations/${pending.conversationId}`, {
      method: 'DELETE',
    });

    expect(deleted.status).toBe(204);
    await vi.waitFor(() => expect(completions()[0]?.abortedAt).toBeDefined(), { timeout: 10_000 });
    expect((await get(`/jobs/${pending.id}`)).status).toBe(404);
  });

  it('takes feedback on a completed job, and refuses it with 409 on a pending one', async () => {
    fake.otherwise(openaiWire.completion('An answer.'));
    const job = await answered({ question: 'Rate this' });
    const put = (id: string, body: unknown) =>
      fetch(`${apiUrl}/api/v1/jobs/${id}/feedback`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const given = await put(job.id, { rating: 'up', comment: 'Clear steps' });
    expect(given.status).toBe(200);
    expect(await given.json()).toMatchObject({
      feedback: { rating: 'up', comment: 'Clear steps' },
    });
    await put(job.id, { rating: 'down' });
    expect(((await (await get(`/jobs/${job.id}`)).json()) as Job).feedback).toMatchObject({
      rating: 'down',
      comment: null,
    });

    fake.otherwise({ ...openaiWire.completion('Slow answer.'), delayMs: 1000 });
    const pending = (await (
      await ask({ question: 'Slow' }, { prefer: 'respond-async' })
    ).json()) as Job;
    const refused = await put(pending.id, { rating: 'up' });
    expect(refused.status).toBe(409);
    await settled(pending.id);
  });

  it('keeps the prompt within CONTEXT_MAX_TOKENS by the tokenizer, dropping the oldest turns first', async () => {
    const long = (n: number) =>
      `Answer ${n}: ${'enzymes lower the activation energy of reactions '.repeat(40)}`;
    fake.reply(...[1, 2, 3, 4].map((n) => openaiWire.completion(long(n))));
    const first = await answered({ question: 'Question 1' });
    for (const n of [2, 3, 4]) {
      await answered({ question: `Question ${n}`, conversationId: first.conversationId });
    }

    for (const request of completions()) {
      const messages = (request.body as { messages: ChatMessage[] }).messages;
      expect(countChatTokens(messages)).toBeLessThanOrEqual(BUDGET);
    }
    const last = messagesOf(3);
    const history = last
      .filter((m) => m.role === 'user')
      .map((m) => m.content)
      .slice(0, -1);
    expect(history.length).toBeGreaterThan(0);
    expect(history.length).toBeLessThan(3);
    expect(history).toEqual(['Question 1', 'Question 2', 'Question 3'].slice(3 - history.length));

    const tooLong = await ask({ question: 'why '.repeat(BUDGET) });
    expect(tooLong.status).toBe(422);
    expect(await tooLong.json()).toMatchObject({ code: 'question_too_long' });
  });

  it('sends three different system prompts for the three modes', async () => {
    fake.otherwise(openaiWire.completion('An answer.'));
    for (const mode of ['explain', 'tutor', 'quiz'])
      await answered({ question: 'Solve x + 1 = 3', mode });

    const [explain, tutor, quiz] = [0, 1, 2].map((i) => messagesOf(i)[0]?.content ?? '');
    expect(new Set([explain, tutor, quiz]).size).toBe(3);
    expect(tutor).toMatch(
      /do not give the final answer .* before the student has worked through it/i,
    );
    expect(quiz).toMatch(/one question at a time/i);
    expect(quiz).toMatch(/score/i);
  });
});
