/**
 * Conversations through the HTTP layer in embedded mode, with a fake OpenAI server standing in for
 * the model: what the model receives on each turn, one turn at a time, settings inheritance,
 * reading and erasing a conversation, feedback, the context budget and the three modes.
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
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeLlmServer, openaiWire } from '../../../../../../shared/test/support/fake-llm.js';
import { build, type TestApp } from '../../../support/build.js';

const fake = await FakeLlmServer.start();
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
});
const llm = { OPENAI_API_KEY: 'sk-test-not-a-real-key', OPENAI_BASE_URL: `${fake.url}/v1` };
const BUDGET = 400;
const apps = {
  standard: await build(llm),
  oneAttempt: await build({ ...llm, LLM_MAX_ATTEMPTS: '1' }),
  smallBudget: await build({ ...llm, CONTEXT_MAX_TOKENS: String(BUDGET) }),
  offline: await build(),
};
const appWith = async (env: Record<string, string> = {}) =>
  env.LLM_MAX_ATTEMPTS
    ? apps.oneAttempt
    : env.CONTEXT_MAX_TOKENS
      ? apps.smallBudget
      : apps.standard;

type App = TestApp['app'];

async function ask(app: App, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/ask',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
}

/** Asks and expects the completed turn (a synchronous 200). */
async function answered(app: App, body: Record<string, unknown>): Promise<Job> {
  const response = await ask(app, body);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Job>();
}

async function settled(app: App, id: string): Promise<Job> {
  for (let i = 0; i < 100; i++) {
    const job = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json<Job>();
    if (!['queued', 'running'].includes(job.status)) return job;
    await sleep(50);
  }
  throw new Error(`job ${id} did not settle`);
}

const completions = () => fake.requests.filter((r) => r.path === '/v1/chat/completions');
const messagesOf = (index: number) =>
  (completions()[index]?.body as { messages: ChatMessage[] }).messages;

describe('a conversation of three turns', () => {
  it('sends turn 3 the system prompt, turns 1 and 2 (question and answer) in order, then the third question', async () => {
    const { app } = await appWith();
    fake.reply(
      openaiWire.completion('Force is mass times acceleration.'),
      openaiWire.completion('Pushing a cart: more force, more acceleration.'),
      openaiWire.completion('Step 2 divides both sides by the mass.'),
    );

    const first = await answered(app, { question: 'What is F = ma?', subject: 'physics' });
    const second = await answered(app, {
      question: 'Give me an example',
      conversationId: first.conversationId,
    });
    const third = await answered(app, {
      question: 'I still do not get step 2',
      conversationId: first.conversationId,
    });

    expect([first.turn, second.turn, third.turn]).toEqual([1, 2, 3]);
    expect(new Set([first, second, third].map((job) => job.conversationId)).size).toBe(1);
    expect(messagesOf(2)).toEqual([
      {
        role: 'system',
        content: systemPrompt({ mode: 'explain' }),
      },
      { role: 'user', content: 'What is F = ma?' },
      { role: 'assistant', content: 'Force is mass times acceleration.' },
      { role: 'user', content: 'Give me an example' },
      { role: 'assistant', content: 'Pushing a cart: more force, more acceleration.' },
      // The conversation's settings open the new question, as data.
      {
        role: 'user',
        content: 'Settings (JSON): {"subject":"physics"}\n\nI still do not get step 2',
      },
    ]);
    // Turn 1 went alone: a new conversation has no history.
    expect(messagesOf(0)).toHaveLength(2);
  });

  it('leaves failed turns out of what the model receives', async () => {
    const { app } = await appWith({ LLM_MAX_ATTEMPTS: '1' });
    fake.reply(
      openaiWire.completion('Cells are the units of life.'),
      openaiWire.error(400, { message: 'bad request', type: 'invalid_request_error' }),
      openaiWire.completion('Mitochondria make ATP.'),
    );

    const first = await answered(app, { question: 'What is a cell?' });
    const failed = await ask(app, { question: 'Bad turn', conversationId: first.conversationId });
    expect(failed.statusCode).toBe(502);
    await answered(app, {
      question: 'What do mitochondria do?',
      conversationId: first.conversationId,
    });

    expect(
      messagesOf(2)
        .map((m) => m.content)
        .slice(1),
    ).toEqual(['What is a cell?', 'Cells are the units of life.', 'What do mitochondria do?']);
  });
});

describe('cancelled turns', () => {
  it('are not sent to the model, and the next turn is accepted once one is cancelled', async () => {
    const { app } = await appWith();
    fake.reply(
      openaiWire.completion('Atoms are made of protons, neutrons and electrons.'),
      { ...openaiWire.completion('never finished'), delayMs: 2000 },
      openaiWire.completion('Electrons are negative.'),
    );
    const first = await answered(app, { question: 'What is an atom?' });
    const slow = (
      await ask(
        app,
        { question: 'Cancelled turn', conversationId: first.conversationId },
        { prefer: 'respond-async' },
      )
    ).json<Job>();
    const cancelled = await app.inject({ method: 'POST', url: `/api/v1/jobs/${slow.id}/cancel` });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });

    await answered(app, {
      question: 'What charge do electrons have?',
      conversationId: first.conversationId,
    });

    expect(
      messagesOf(completions().length - 1)
        .map((m) => m.content)
        .slice(1),
    ).toEqual([
      'What is an atom?',
      'Atoms are made of protons, neutrons and electrons.',
      'What charge do electrons have?',
    ]);
  });
});

describe('settings of a conversation', () => {
  it('a turn inherits subject, level, language and mode unless the ask sets them; what it sets sticks', async () => {
    const { app } = await appWith();
    fake.otherwise(openaiWire.completion('An answer.'));

    const first = await answered(app, {
      question: 'What is a derivative?',
      subject: 'calculus',
      level: 'high school',
      language: 'en',
      mode: 'tutor',
    });
    const inherited = await answered(app, {
      question: 'And an integral?',
      conversationId: first.conversationId,
    });
    const overridden = await answered(app, {
      question: 'Quiz me',
      conversationId: first.conversationId,
      level: 'undergraduate',
      mode: 'quiz',
    });
    const afterOverride = await answered(app, {
      question: 'Next one',
      conversationId: first.conversationId,
    });

    expect(inherited).toMatchObject({
      subject: 'calculus',
      level: 'high school',
      language: 'en',
      mode: 'tutor',
    });
    expect(overridden).toMatchObject({
      subject: 'calculus',
      level: 'undergraduate',
      language: 'en',
      mode: 'quiz',
    });
    expect(afterOverride).toMatchObject({ level: 'undergraduate', mode: 'quiz' });
    const conversation = (
      await app.inject({ method: 'GET', url: `/api/v1/conversations/${first.conversationId}` })
    ).json();
    expect(conversation).toMatchObject({
      id: first.conversationId,
      subject: 'calculus',
      level: 'undergraduate',
      language: 'en',
      mode: 'quiz',
    });
    // The model was told: turn 2 got the tutor prompt at high-school level, turn 3 the quiz one.
    expect(messagesOf(1)[0]?.content).toBe(systemPrompt({ mode: 'tutor' }));
    expect(messagesOf(1).at(-1)?.content).toBe(
      `${settingsLine({ subject: 'calculus', level: 'high school', language: 'en', mode: 'tutor' })}And an integral?`,
    );
    expect(messagesOf(2)[0]?.content).toBe(systemPrompt({ mode: 'quiz' }));
    expect(messagesOf(2).at(-1)?.content).toBe(
      `${settingsLine({ subject: 'calculus', level: 'undergraduate', language: 'en', mode: 'quiz' })}Quiz me`,
    );
  });

  it('a new conversation explains by default', async () => {
    const { app } = await appWith();
    fake.otherwise(openaiWire.completion('An answer.'));
    expect(await answered(app, { question: 'Why?' })).toMatchObject({ mode: 'explain', turn: 1 });
  });
});

describe('one turn at a time', () => {
  it('refuses a turn while the previous one is pending: 409 turn_in_progress with the pending jobId', async () => {
    const { app } = await appWith();
    fake.otherwise({ ...openaiWire.completion('Slow answer.'), delayMs: 800 });
    const pending = (
      await ask(app, { question: 'Slow question' }, { prefer: 'respond-async' })
    ).json<Job>();

    const response = await ask(app, {
      question: 'Too soon',
      conversationId: pending.conversationId,
    });

    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 409,
      code: 'turn_in_progress',
      jobId: pending.id,
      conversationId: pending.conversationId,
    });
    // Once it settles, the next turn is accepted.
    await settled(app, pending.id);
    const next = await ask(
      app,
      { question: 'Now', conversationId: pending.conversationId },
      { prefer: 'respond-async' },
    );
    expect(next.statusCode).toBe(202);
    expect(next.json()).toMatchObject({ turn: 2 });
    await settled(app, next.json<Job>().id);
  });

  it('accepts exactly one of two asks racing on the same conversation', async () => {
    const { app } = await appWith();
    fake.otherwise({ ...openaiWire.completion('Answer.'), delayMs: 300 });
    const first = await answered(app, { question: 'Turn one' });

    const responses = await Promise.all(
      ['Racer A', 'Racer B'].map((question) =>
        ask(app, { question, conversationId: first.conversationId }, { prefer: 'respond-async' }),
      ),
    );

    const accepted = responses.filter((r) => r.statusCode === 202);
    const refused = responses.filter((r) => r.statusCode === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const winner = accepted[0]!.json<Job>();
    expect(winner.turn).toBe(2);
    expect(refused[0]!.json()).toMatchObject({ code: 'turn_in_progress', jobId: winner.id });
    await settled(app, winner.id);
    const conversation = (
      await app.inject({ method: 'GET', url: `/api/v1/conversations/${first.conversationId}` })
    ).json();
    expect(conversation.turns.map((turn: Job) => turn.id)).toEqual([first.id, winner.id]);
  });

  it('returns the same job for an Idempotency-Key replay of a pending turn, not a 409', async () => {
    const { app } = await appWith();
    fake.otherwise({ ...openaiWire.completion('Answer.'), delayMs: 500 });
    const first = await answered(app, { question: 'Turn one' });
    const body = { question: 'Turn two', conversationId: first.conversationId };
    const headers = { prefer: 'respond-async', 'idempotency-key': `key-${randomUUID()}` };

    const original = await ask(app, body, headers);
    const replay = await ask(app, body, headers);

    expect(original.statusCode).toBe(202);
    expect(replay.statusCode).toBe(202);
    expect(replay.json<Job>().id).toBe(original.json<Job>().id);
    expect(replay.json<Job>().turn).toBe(2);
    await settled(app, original.json<Job>().id);
  });

  it('answers 404 problem+json for an unknown conversationId', async () => {
    const { app } = await appWith();
    const response = await ask(app, { question: 'Hello?', conversationId: randomUUID() });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers 400 for a malformed conversationId or an unknown mode', async () => {
    const { app } = await appWith();
    expect((await ask(app, { question: 'Hi', conversationId: 'nope' })).statusCode).toBe(400);
    expect((await ask(app, { question: 'Hi', mode: 'lecture' })).statusCode).toBe(400);
  });
});

describe('GET /api/v1/conversations/{id}', () => {
  it('lists the turns in order, with the settings the next turn inherits', async () => {
    const { app } = await appWith();
    fake.otherwise(openaiWire.completion('An answer.'));
    const first = await answered(app, { question: 'One', language: 'pt-BR' });
    const second = await answered(app, { question: 'Two', conversationId: first.conversationId });
    const third = await answered(app, { question: 'Three', conversationId: first.conversationId });

    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/conversations/${first.conversationId}`,
    });

    expect(response.statusCode).toBe(200);
    const conversation = response.json();
    expect(conversation).toMatchObject({
      id: first.conversationId,
      language: 'pt-BR',
      mode: 'explain',
    });
    expect(conversation.turns.map((t: Job) => [t.id, t.turn, t.question])).toEqual([
      [first.id, 1, 'One'],
      [second.id, 2, 'Two'],
      [third.id, 3, 'Three'],
    ]);
    expect(Date.parse(conversation.updatedAt)).toBeGreaterThanOrEqual(
      Date.parse(conversation.createdAt),
    );
  });

  it('answers 404 for an unknown conversation and 400 for a malformed id', async () => {
    const { app } = await appWith();
    const unknown = await app.inject({
      method: 'GET',
      url: `/api/v1/conversations/${randomUUID()}`,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await app.inject({ method: 'GET', url: '/api/v1/conversations/42' })).statusCode).toBe(
      400,
    );
  });
});

describe('DELETE /api/v1/conversations/{id}', () => {
  it('erases the conversation and every job of it: their reads and event streams answer 404', async () => {
    const { app } = await appWith();
    fake.otherwise(openaiWire.completion('An answer.'));
    const first = await answered(app, { question: 'Private question one' });
    const second = await answered(app, {
      question: 'Private two',
      conversationId: first.conversationId,
    });

    const response = await app.inject({
      method: 'DELETE',
      url: `/api/v1/conversations/${first.conversationId}`,
    });

    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    const conversationRead = await app.inject({
      method: 'GET',
      url: `/api/v1/conversations/${first.conversationId}`,
    });
    expect(conversationRead.statusCode).toBe(404);
    for (const job of [first, second]) {
      expect((await app.inject({ method: 'GET', url: `/api/v1/jobs/${job.id}` })).statusCode).toBe(
        404,
      );
      const events = await app.inject({ method: 'GET', url: `/api/v1/jobs/${job.id}/events` });
      expect(events.statusCode).toBe(404);
    }
    // And it cannot be continued.
    expect(
      (await ask(app, { question: 'More?', conversationId: first.conversationId })).statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/conversations/${first.conversationId}` }))
        .statusCode,
    ).toBe(404);
  });

  it('cancels a pending turn first: the model call is stopped', async () => {
    const { app } = await appWith();
    fake.otherwise({
      ...openaiWire.completion(`a slow answer ${'word '.repeat(200)}`.trim()),
      stream: { intervalMs: 300 },
    });
    const pending = (await ask(app, { question: 'Slow' }, { prefer: 'respond-async' })).json<Job>();
    await vi.waitFor(() => expect(completions()).toHaveLength(1), { timeout: 10_000 });

    const response = await app.inject({
      method: 'DELETE',
      url: `/api/v1/conversations/${pending.conversationId}`,
    });

    expect(response.statusCode).toBe(204);
    await vi.waitFor(() => expect(completions()[0]?.abortedAt).toBeDefined(), { timeout: 10_000 });
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/jobs/${pending.id}` })).statusCode,
    ).toBe(404);
  });
});

describe('PUT /api/v1/jobs/{id}/feedback', () => {
  const put = (app: App, id: string, body: unknown) =>
    app.inject({
      method: 'PUT',
      url: `/api/v1/jobs/${id}/feedback`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('rates a completed job; putting again replaces the rating', async () => {
    const { app } = await appWith();
    fake.otherwise(openaiWire.completion('An answer.'));
    const job = await answered(app, { question: 'Rate me' });

    const first = await put(app, job.id, { rating: 'down', comment: 'Step 3 is wrong' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      id: job.id,
      status: 'completed',
      feedback: { rating: 'down', comment: 'Step 3 is wrong' },
    });

    const second = await put(app, job.id, { rating: 'up' });
    expect(second.json().feedback).toMatchObject({ rating: 'up', comment: null });
    const read = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${job.id}` })).json();
    expect(read.feedback).toMatchObject({ rating: 'up', comment: null });
  });

  it('refuses feedback on a pending job with 409', async () => {
    const { app } = await appWith();
    fake.otherwise({ ...openaiWire.completion('Slow answer.'), delayMs: 500 });
    const pending = (await ask(app, { question: 'Slow' }, { prefer: 'respond-async' })).json<Job>();

    const response = await put(app, pending.id, { rating: 'up' });

    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'job_not_completed', jobId: pending.id });
    await settled(app, pending.id);
  });

  it('answers 404 for an unknown job and 400 for a bad rating or a comment over 2000 characters', async () => {
    const { app } = await appWith();
    fake.otherwise(openaiWire.completion('An answer.'));
    const job = await answered(app, { question: 'Rate me' });
    expect((await put(app, randomUUID(), { rating: 'up' })).statusCode).toBe(404);
    expect((await put(app, job.id, { rating: 'meh' })).statusCode).toBe(400);
    expect((await put(app, job.id, { rating: 'up', comment: 'x'.repeat(2001) })).statusCode).toBe(
      400,
    );
    expect((await put(app, job.id, { rating: 'up', comment: 'x'.repeat(2000) })).statusCode).toBe(
      200,
    );
  });
});

describe('the context budget (CONTEXT_MAX_TOKENS)', () => {
  const longAnswer = (n: number) =>
    `Answer ${n}: ${'the cell membrane regulates transport '.repeat(12)}`;

  it('drops the oldest turns first and keeps the request upstream within the budget by the tokenizer', async () => {
    const { app } = await appWith({ CONTEXT_MAX_TOKENS: String(BUDGET) });
    fake.reply(...[1, 2, 3, 4, 5].map((n) => openaiWire.completion(longAnswer(n))));
    const first = await answered(app, { question: 'Question 1' });
    for (const n of [2, 3, 4, 5]) {
      await answered(app, { question: `Question ${n}`, conversationId: first.conversationId });
    }

    for (const [index, request] of completions().entries()) {
      const messages = (request.body as { messages: ChatMessage[] }).messages;
      expect(countChatTokens(messages), `request ${index + 1}`).toBeLessThanOrEqual(BUDGET);
    }
    const last = messagesOf(4);
    const history = last
      .slice(1, -1)
      .filter((m) => m.role === 'user')
      .map((m) => m.content);
    // Some turns fit, not all: and the ones that fit are the newest, in order.
    expect(history.length).toBeGreaterThan(0);
    expect(history.length).toBeLessThan(4);
    expect(history).toEqual(
      ['Question 1', 'Question 2', 'Question 3', 'Question 4'].slice(4 - history.length),
    );
    expect(last[0]?.role).toBe('system');
    expect(last.at(-1)).toEqual({ role: 'user', content: 'Question 5' });
  });

  it('refuses, at ask time, a question that alone exceeds the budget: 422 problem+json', async () => {
    const { app } = await appWith({ CONTEXT_MAX_TOKENS: String(BUDGET) });
    const response = await ask(app, { question: 'why '.repeat(BUDGET) });

    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'question_too_long', maxTokens: BUDGET });
    expect(completions()).toHaveLength(0);
  });
});

describe('modes', () => {
  it('sends three different system prompts for explain, tutor and quiz, each with its rules', async () => {
    const { app } = await appWith();
    fake.otherwise(openaiWire.completion('An answer.'));
    for (const mode of ['explain', 'tutor', 'quiz']) {
      await answered(app, { question: 'Solve 2x + 3 = 7', mode });
    }

    const [explain, tutor, quiz] = [0, 1, 2].map((i) => messagesOf(i)[0]?.content ?? '');
    expect(new Set([explain, tutor, quiz]).size).toBe(3);
    expect(explain).toMatch(/step by step/i);
    expect(tutor).toMatch(
      /do not give the final answer .* before the student has worked through it/i,
    );
    expect(tutor).toMatch(/ask.* what the student already knows/i);
    expect(quiz).toMatch(/exactly one question at a time/i);
    expect(quiz).toMatch(/running score/i);
  });
});

describe('without a key: the offline demo provider', () => {
  it('says which turn it is and how many earlier turns it was given', async () => {
    const { app } = apps.offline;
    const first = await answered(app, { question: 'One' });
    const second = await answered(app, { question: 'Two', conversationId: first.conversationId });

    expect(first.answer).toContain('Turn 1 of this conversation');
    expect(first.answer).toContain('0 earlier turns were given');
    expect(second.answer).toContain('Turn 2 of this conversation');
    expect(second.answer).toContain('1 earlier turn was given');
  });
});

describe('OpenAPI', () => {
  it('documents the conversation routes, the feedback route and the new fields', async () => {
    const { app } = apps.standard;
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json();

    const conversation = document.paths['/api/v1/conversations/{id}'];
    expect(Object.keys(conversation)).toEqual(expect.arrayContaining(['get', 'delete']));
    expect(conversation.delete.responses['204']).toBeDefined();
    const feedback = document.paths['/api/v1/jobs/{id}/feedback'].put;
    expect(Object.keys(feedback.responses)).toEqual(
      expect.arrayContaining(['200', '400', '404', '409']),
    );
    const askBody =
      document.paths['/api/v1/ask'].post.requestBody.content['application/json'].schema;
    expect(askBody.properties.mode.enum).toEqual(['explain', 'tutor', 'quiz']);
    expect(askBody.properties.conversationId.format).toBe('uuid');
    expect(Object.keys(document.paths['/api/v1/ask'].post.responses)).toEqual(
      expect.arrayContaining(['404', '409', '422']),
    );
    const job = document.components.schemas.Job;
    expect(job.required).toEqual(
      expect.arrayContaining(['conversationId', 'turn', 'mode', 'feedback']),
    );
    expect(document.components.schemas.Conversation.properties.turns.type).toBe('array');
  });
});

describe('conversation ids in either case (UUIDs are case-insensitive)', () => {
  it('reads a conversation by its id in uppercase, and continues it from an uppercase id', async () => {
    const app = apps.offline.app;
    const first = await answered(app, { question: 'Case one' });
    const upper = first.conversationId.toUpperCase();

    const read = await app.inject({ method: 'GET', url: `/api/v1/conversations/${upper}` });
    expect(read.statusCode).toBe(200);
    expect(read.json().id).toBe(first.conversationId);

    const next = await answered(app, { question: 'Case two', conversationId: upper });
    expect(next.conversationId).toBe(first.conversationId);
  });
});
