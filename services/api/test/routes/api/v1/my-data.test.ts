/**
 * A principal's own data through HTTP in embedded mode: the conversation list and its pages, a
 * long conversation's turns a page at a time, the export, erasing everything, and a signed-in
 * student claiming what they asked as a guest.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { build } from '../../../support/build.js';
import { guest, issuerEnv, student, type Caller } from '../../../support/principals.js';
import { startTestIssuer } from '../../../support/test-issuer.js';

const issuer = await startTestIssuer();
const server = await build({ ...issuerEnv(issuer), CONTEXT_MAX_TOKENS: '200000' });
const { app } = server;

const send = (
  caller: Caller,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
) =>
  app.inject({
    method,
    url,
    headers: { ...caller.headers, ...(payload && { 'content-type': 'application/json' }) },
    ...(payload && { payload }),
  });

async function ask(caller: Caller, question: string, conversationId?: string) {
  const response = await send(caller, 'POST', '/api/v1/ask', { question, conversationId });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ id: string; conversationId: string; turn: number }>();
}

type ListPage = {
  items: { id: string; title: string; turns: number; updatedAt: string }[];
  next: string | null;
};

describe('GET /api/v1/conversations', () => {
  it('lists my conversations, most recently updated first, in pages; title is the first question cut at 80', async () => {
    const me = await guest(app, 'me');
    const long = `${'Explain, with an example, why the derivative of x squared is 2x. '.repeat(3)}`;
    // A few milliseconds apart, so no two share an updatedAt.
    const first = await ask(me, long);
    await sleep(5);
    const second = await ask(me, 'What is a prime number?');
    await sleep(5);
    const third = await ask(me, 'Who wrote Dom Casmurro?');
    await sleep(5);
    // A new turn makes the first conversation the most recently updated.
    await ask(me, 'And of x cubed?', first.conversationId);

    const page1 = (await send(me, 'GET', '/api/v1/conversations?limit=2')).json<ListPage>();
    expect(page1.items.map((item) => item.id)).toEqual([
      first.conversationId,
      third.conversationId,
    ]);
    expect(page1.items[0]).toMatchObject({
      title: Array.from(long).slice(0, 80).join(''),
      subject: null,
      mode: 'explain',
      turns: 2,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(page1.next).toEqual(expect.any(String));
    const page2 = (
      await send(me, 'GET', `/api/v1/conversations?limit=2&cursor=${page1.next}`)
    ).json<ListPage>();
    expect(page2).toEqual({
      items: [
        expect.objectContaining({ id: second.conversationId, title: 'What is a prime number?' }),
      ],
      next: null,
    });
    // Default page: 20.
    expect((await send(me, 'GET', '/api/v1/conversations')).json<ListPage>().items).toHaveLength(3);
  });

  it('refuses a limit out of 1-100 and a cursor it never handed out, with 400 naming the field', async () => {
    const me = await guest(app, 'me');
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'cursor=bm90LWEtY3Vyc29y',
      'cursor=%2F%2F',
    ]) {
      const response = await send(me, 'GET', `/api/v1/conversations?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().errors[0], query).toMatchObject({
        in: 'querystring',
        field: query.split('=')[0],
      });
    }
  });
});

describe('GET /api/v1/conversations/{id} on a long conversation', () => {
  it('shows the latest 50 turns, and earlier ones a page at a time', async () => {
    const me = await guest(app, 'me');
    let conversationId: string | undefined;
    for (let turn = 1; turn <= 55; turn++) {
      conversationId = (await ask(me, `Question ${turn}`, conversationId)).conversationId;
    }
    type Read = { turns: { turn: number }[]; turnCount: number; next: string | null };
    const url = `/api/v1/conversations/${conversationId}`;

    const latest = (await send(me, 'GET', url)).json<Read>();
    expect(latest.turnCount).toBe(55);
    expect(latest.turns.map((job) => job.turn)).toEqual(range(6, 55));
    const earlier = (await send(me, 'GET', `${url}?cursor=${latest.next}&limit=3`)).json<Read>();
    expect(earlier.turns.map((job) => job.turn)).toEqual([3, 4, 5]);
    const first = (await send(me, 'GET', `${url}?cursor=${earlier.next}&limit=3`)).json<Read>();
    expect(first.turns.map((job) => job.turn)).toEqual([1, 2]);
    expect(first.next).toBeNull();
  });
});

describe('GET /api/v1/me/export', () => {
  it('hands over every conversation with every turn as a JSON attachment', async () => {
    const me = await student(issuer, 'exporter');
    const one = await ask(me, 'What is photosynthesis?');
    await ask(me, 'And respiration?', one.conversationId);
    await send(me, 'PUT', `/api/v1/jobs/${one.id}/feedback`, { rating: 'up', comment: 'clear' });
    await ask(await guest(app, 'someone else'), 'Not in my export');

    const response = await send(me, 'GET', '/api/v1/me/export');

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="iscoolgpt-data-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const data = response.json();
    expect(data.user).toEqual({ id: 'sub-exporter', kind: 'student' });
    expect(data.conversations).toHaveLength(1);
    expect(data.conversations[0].turns).toEqual([
      expect.objectContaining({
        question: 'What is photosynthesis?',
        answer: expect.any(String),
        mode: 'explain',
        feedback: expect.objectContaining({ rating: 'up', comment: 'clear' }),
        createdAt: expect.any(String),
        completedAt: expect.any(String),
      }),
      expect.objectContaining({ question: 'And respiration?', turn: 2 }),
    ]);
    expect(response.body).not.toContain('Not in my export');
  });
});

describe('DELETE /api/v1/me', () => {
  it('erases every conversation and job of mine (a pending turn cancelled first); others keep theirs', async () => {
    const slow = await build({ OFFLINE_PROVIDER_DELAY_MS: '5000' });
    const me = await guest(slow.app, 'leaver');
    const other = await guest(slow.app, 'stayer');
    const sendOn = (
      caller: Caller,
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      payload?: object,
    ) =>
      slow.app.inject({
        method,
        url,
        headers: {
          ...caller.headers,
          ...(payload && { 'content-type': 'application/json', prefer: 'respond-async' }),
        },
        ...(payload && { payload }),
      });
    const pending = (
      await sendOn(me, 'POST', '/api/v1/ask', { question: 'Still thinking?' })
    ).json();
    const kept = (await sendOn(other, 'POST', '/api/v1/ask', { question: 'Mine stays' })).json();

    const erased = await sendOn(me, 'DELETE', '/api/v1/me');

    expect(erased.statusCode).toBe(204);
    expect((await sendOn(me, 'GET', `/api/v1/jobs/${pending.id}`)).statusCode).toBe(404);
    expect(
      (await sendOn(me, 'GET', `/api/v1/conversations/${pending.conversationId}`)).statusCode,
    ).toBe(404);
    expect((await sendOn(me, 'GET', `/api/v1/jobs/${pending.id}/events`)).statusCode).toBe(404);
    expect((await sendOn(me, 'GET', '/api/v1/conversations')).json()).toEqual({
      items: [],
      next: null,
    });
    expect(await slow.store.get(pending.id)).toBeUndefined();
    expect((await sendOn(other, 'GET', `/api/v1/jobs/${kept.id}`)).statusCode).toBe(200);
    // The pending turn was cancelled, so its model call stopped, before it was erased.
    expect(
      slow.logs.some((line) => line.msg === 'job cancelled' && line.jobId === pending.id),
    ).toBe(true);
  });
});

describe('POST /api/v1/sessions/claim', () => {
  it('makes a guest’s conversations the signed-in student’s, idempotently', async () => {
    const before = await guest(app, 'before sign-in');
    const asked = await ask(before, 'What is a derivative?');
    const after = await student(issuer, 'claimer');

    const claim = () => send(after, 'POST', '/api/v1/sessions/claim', { guestToken: before.token });
    const first = await claim();
    const again = await claim();

    expect(first.json()).toEqual({ claimed: 1 });
    expect(again.json()).toEqual({ claimed: 0 });
    const list = (await send(after, 'GET', '/api/v1/conversations')).json<ListPage>();
    expect(list.items.map((item) => item.id)).toEqual([asked.conversationId]);
    expect((await send(after, 'GET', `/api/v1/jobs/${asked.id}`)).statusCode).toBe(200);
    // The student continues it; the guest no longer sees it.
    expect((await ask(after, 'Show me one', asked.conversationId)).turn).toBe(2);
    expect((await send(before, 'GET', `/api/v1/jobs/${asked.id}`)).statusCode).toBe(404);
  });

  it('answers 400 for a token that is not a valid guest token, 403 for anyone but a signed-in user', async () => {
    const user = await student(issuer, 'claimer-2');
    for (const guestToken of [
      'not-a-token',
      (await student(issuer, 'x')).headers.authorization!.slice(7),
    ]) {
      const response = await send(user, 'POST', '/api/v1/sessions/claim', { guestToken });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_guest_token' });
    }
    const someGuest = await guest(app, 'g');
    const byGuest = await send(someGuest, 'POST', '/api/v1/sessions/claim', {
      guestToken: (await guest(app, 'h')).token,
    });
    expect(byGuest.statusCode).toBe(403);
    expect(byGuest.json()).toMatchObject({ code: 'sign_in_required' });
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
