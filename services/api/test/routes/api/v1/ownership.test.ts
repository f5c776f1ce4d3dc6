/**
 * Who may do what: every route on a job or a conversation answers someone else's exactly as an
 * id that does not exist (404, the same problem), for two guests, two signed-in students, and
 * across kinds; and the owner finds their data untouched afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../../support/build.js';
import { anonymous, guest, issuerEnv, student, type Caller } from '../../../support/principals.js';
import { startTestIssuer } from '../../../support/test-issuer.js';

const issuer = await startTestIssuer();
const { app } = await build(issuerEnv(issuer));

interface Owned {
  jobId: string;
  conversationId: string;
}

const callers: Record<string, Caller> = {};
const owned = new Map<string, Owned>();

const send = (caller: Caller, options: InjectOptions) =>
  app.inject({ ...options, headers: { ...options.headers, ...caller.headers } });

beforeAll(async () => {
  callers.alice = await guest(app, 'alice');
  callers.bob = await guest(app, 'bob');
  callers.carol = await student(issuer, 'carol');
  callers.dave = await student(issuer, 'dave');
  callers.anonymous = anonymous;
  for (const caller of Object.values(callers)) {
    const response = await send(caller, {
      method: 'POST',
      url: '/api/v1/ask',
      headers: { 'content-type': 'application/json' },
      payload: { question: `${caller.name}: I am being bullied at school, what can I do?` },
    });
    expect(response.statusCode, response.body).toBe(200);
    const job = response.json<{ id: string; conversationId: string }>();
    owned.set(caller.name, { jobId: job.id, conversationId: job.conversationId });
  }
});

/** Every route that names a job or a conversation, as a request on `ids`. */
const routes: [string, (ids: Owned) => InjectOptions][] = [
  ['GET /api/v1/jobs/{id}', ({ jobId }) => ({ method: 'GET', url: `/api/v1/jobs/${jobId}` })],
  [
    'GET /api/v1/jobs/{id}/events',
    ({ jobId }) => ({ method: 'GET', url: `/api/v1/jobs/${jobId}/events` }),
  ],
  [
    'POST /api/v1/jobs/{id}/cancel',
    ({ jobId }) => ({ method: 'POST', url: `/api/v1/jobs/${jobId}/cancel` }),
  ],
  [
    'PUT /api/v1/jobs/{id}/feedback',
    ({ jobId }) => ({
      method: 'PUT',
      url: `/api/v1/jobs/${jobId}/feedback`,
      headers: { 'content-type': 'application/json' },
      payload: { rating: 'down', comment: 'not mine to rate' },
    }),
  ],
  [
    'GET /api/v1/conversations/{id}',
    ({ conversationId }) => ({ method: 'GET', url: `/api/v1/conversations/${conversationId}` }),
  ],
  [
    'DELETE /api/v1/conversations/{id}',
    ({ conversationId }) => ({ method: 'DELETE', url: `/api/v1/conversations/${conversationId}` }),
  ],
  [
    'POST /api/v1/ask with conversationId',
    ({ conversationId }) => ({
      method: 'POST',
      url: '/api/v1/ask',
      headers: { 'content-type': 'application/json' },
      payload: { question: 'Let me add a turn', conversationId },
    }),
  ],
];

/** Who tries whose: both ways within a kind, and across kinds. */
const attempts: [string, string][] = [
  ['bob', 'alice'],
  ['alice', 'bob'],
  ['dave', 'carol'],
  ['carol', 'dave'],
  ['carol', 'alice'],
  ['alice', 'carol'],
  ['anonymous', 'alice'],
  ['alice', 'anonymous'],
];

/** The response with every id in it replaced, so two 404s can be compared whole. */
function shape(response: Awaited<ReturnType<typeof app.inject>>, ids: string[]) {
  let body = response.body;
  for (const id of ids) body = body.replaceAll(id, '<id>');
  return { status: response.statusCode, type: response.headers['content-type'], body };
}

describe('another principal’s job or conversation is, to them, one that does not exist', () => {
  it.each(routes)('%s', async (_name, request) => {
    const unknown = { jobId: randomUUID(), conversationId: randomUUID() };
    for (const [intruder, owner] of attempts) {
      const ids = owned.get(owner)!;
      const theirs = await send(callers[intruder]!, request(ids));
      const nobodys = await send(callers[intruder]!, request(unknown));

      expect(theirs.statusCode, `${intruder} on ${owner}'s`).toBe(404);
      expect(shape(theirs, Object.values(ids)), `${intruder} on ${owner}'s`).toEqual(
        shape(nobodys, Object.values(unknown)),
      );
    }
  });

  it("leaves every owner's data as it was, and each sees only their own list", async () => {
    for (const [name, ids] of owned) {
      const caller = callers[name]!;
      const job = await send(caller, { method: 'GET', url: `/api/v1/jobs/${ids.jobId}` });
      expect(job.json()).toMatchObject({ status: 'completed', feedback: null });
      const conversation = await send(caller, {
        method: 'GET',
        url: `/api/v1/conversations/${ids.conversationId}`,
      });
      expect(conversation.json()).toMatchObject({ turnCount: 1 });
      const list = await send(caller, { method: 'GET', url: '/api/v1/conversations' });
      expect(list.json<{ items: { id: string }[] }>().items.map((item) => item.id)).toEqual([
        ids.conversationId,
      ]);
    }
  });
});
