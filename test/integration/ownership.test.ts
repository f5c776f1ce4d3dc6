/**
 * Ownership on the two-process AWS path: `start:api` (trusting moto's Cognito user pool, no
 * anonymous requests) and `start:worker` as real processes on moto and Redis. Two guests and two
 * signed-in students each denied every route on the other's job and conversation, each listing
 * only their own (in pages); the export; a claim at sign-in; and DELETE /api/v1/me followed by
 * reads of DynamoDB and Redis that find nothing of what was erased.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsSuite, localAws, type AwsSuite } from '../support/aws-suite.js';
import { createLocalUserPool, type LocalUserPool } from '../support/cognito.js';
import { freePort } from '../support/host.js';
import { localRedisUrl } from '../support/redis-suite.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

let suite: AwsSuite;
let pool: LocalUserPool;
let redis: Redis;
let url: string;
const running: ServiceProcess[] = [];

interface Caller {
  name: string;
  token: string;
}
const callers: Record<'ana' | 'bia' | 'caio' | 'duda', Caller> = {} as never;

beforeAll(async () => {
  suite = await createAwsSuite();
  pool = await createLocalUserPool(localAws().endpoints.dynamodb);
  redis = new Redis(localRedisUrl(), { lazyConnect: true });
  await redis.connect();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const common = { ...suite.env, ...pool.env, LOG_LEVEL: 'info' };
  const api = startService('api', {
    ...common,
    ALLOW_ANONYMOUS: 'false',
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  const worker = startService('worker', { ...common, WORKER_CONCURRENCY: '4' });
  running.push(api, worker);
  await Promise.all([
    api.waitForLog((line) => line.msg === 'api service started', 90_000),
    worker.waitForLog((line) => line.msg === 'worker started', 90_000),
  ]);
  for (const name of ['ana', 'bia'] as const) {
    const session = await fetch(`${url}/api/v1/sessions`, { method: 'POST' });
    callers[name] = { name, token: ((await session.json()) as { token: string }).token };
  }
  for (const name of ['caio', 'duda'] as const) {
    callers[name] = { name, token: (await pool.signIn(name, ['students'])).accessToken };
  }
});

afterAll(async () => {
  for (const service of running) if (service.child.exitCode === null) service.kill('SIGKILL');
  redis?.disconnect();
  await pool?.delete();
  await suite?.cleanup();
});

function call(caller: Caller, method: string, path: string, body?: object, headers = {}) {
  return fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${caller.token}`,
      ...(body && { 'content-type': 'application/json', prefer: 'wait=20' }),
      ...headers,
    },
    ...(body && { body: JSON.stringify(body) }),
  });
}

async function ask(caller: Caller, question: string, conversationId?: string, key?: string) {
  const response = await call(
    caller,
    'POST',
    '/ask',
    { question, conversationId },
    key ? { 'idempotency-key': key } : {},
  );
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as { id: string; conversationId: string };
}

describe('on the AWS path, each principal sees and touches only their own', () => {
  it('answers every route on another’s job or conversation with the 404 of an unknown id', async () => {
    const owned = new Map<string, { id: string; conversationId: string }>();
    for (const caller of Object.values(callers)) {
      const { id, conversationId } = await ask(caller, `${caller.name}: a secret worry`);
      owned.set(caller.name, { id, conversationId });
    }
    const routes: [
      string,
      string,
      (ids: { id: string; conversationId: string }) => string,
      object?,
    ][] = [
      ['GET', 'job', ({ id }) => `/jobs/${id}`],
      ['GET', 'events', ({ id }) => `/jobs/${id}/events`],
      ['POST', 'cancel', ({ id }) => `/jobs/${id}/cancel`],
      ['PUT', 'feedback', ({ id }) => `/jobs/${id}/feedback`, { rating: 'down' }],
      ['GET', 'conversation', ({ conversationId }) => `/conversations/${conversationId}`],
      ['DELETE', 'delete', ({ conversationId }) => `/conversations/${conversationId}`],
    ];
    const unknown = { id: randomUUID(), conversationId: randomUUID() };
    const pairs: [keyof typeof callers, keyof typeof callers][] = [
      ['ana', 'bia'],
      ['bia', 'ana'],
      ['caio', 'duda'],
      ['duda', 'caio'],
    ];
    for (const [intruder, owner] of pairs) {
      const ids = owned.get(owner)!;
      for (const [method, name, path, body] of routes) {
        const theirs = await call(callers[intruder], method, path(ids), body);
        const nobodys = await call(callers[intruder], method, path(unknown), body);
        const shape = async (response: Response, of: object) => {
          let text = await response.text();
          for (const id of Object.values(of)) text = text.replaceAll(id as string, '<id>');
          return { status: response.status, text };
        };
        expect(await shape(theirs, ids), `${intruder} ${name} ${owner}'s`).toEqual(
          await shape(nobodys, unknown),
        );
        expect(theirs.status).toBe(404);
      }
      const turn = await call(callers[intruder], 'POST', '/ask', {
        question: 'Let me in',
        conversationId: ids.conversationId,
      });
      expect(turn.status, `${intruder} asks in ${owner}'s conversation`).toBe(404);
    }
    for (const [name, ids] of owned) {
      const job = await call(callers[name as keyof typeof callers], 'GET', `/jobs/${ids.id}`);
      expect(await job.json()).toMatchObject({ status: 'completed', feedback: null });
    }
  });

  it('lists only my conversations, most recently updated first, in pages', async () => {
    const duda = callers.duda;
    const before = (await (await call(duda, 'GET', '/conversations?limit=100')).json()) as {
      items: { id: string }[];
    };
    const asked = [];
    for (const question of ['Page one?', 'Page two?', 'Page three?']) {
      asked.push((await ask(duda, question)).conversationId);
    }
    const first = (await (await call(duda, 'GET', '/conversations?limit=2')).json()) as {
      items: { id: string; title: string }[];
      next: string;
    };
    const second = (await (
      await call(duda, 'GET', `/conversations?limit=2&cursor=${first.next}`)
    ).json()) as { items: { id: string }[] };

    expect(first.items.map((item) => item.id)).toEqual([asked[2], asked[1]]);
    expect(first.items[0]!.title).toBe('Page three?');
    expect(second.items.map((item) => item.id)).toEqual([asked[0], before.items[0]!.id]);
    const others = (await (await call(callers.caio, 'GET', '/conversations')).json()) as {
      items: { id: string }[];
    };
    expect(others.items.map((item) => item.id)).not.toContain(asked[0]);
  });

  it('exports my conversations as an attachment', async () => {
    const response = await call(callers.caio, 'GET', '/me/export');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
    const data = (await response.json()) as { conversations: { turns: { question: string }[] }[] };
    expect(data.conversations.flatMap((c) => c.turns.map((t) => t.question))).toEqual([
      'caio: a secret worry',
    ]);
  });

  it('hands a guest’s conversations to the student who signs in with its token', async () => {
    const session = await fetch(`${url}/api/v1/sessions`, { method: 'POST' });
    const guest = { name: 'guest', token: ((await session.json()) as { token: string }).token };
    const asked = await ask(guest, 'Asked before signing in');

    const claimed = await call(callers.caio, 'POST', '/sessions/claim', {
      guestToken: guest.token,
    });

    expect(await claimed.json()).toEqual({ claimed: 1 });
    expect((await call(callers.caio, 'GET', `/jobs/${asked.id}`)).status).toBe(200);
    expect((await call(guest, 'GET', `/jobs/${asked.id}`)).status).toBe(404);
  });
});

describe('DELETE /api/v1/me on the AWS path', () => {
  it('leaves nothing of the erased jobs in DynamoDB or Redis', async () => {
    const leaver = callers.bia;
    const first = await ask(leaver, 'A question only I should ever see', undefined, 'key-1');
    const second = await ask(
      leaver,
      'A follow-up only I should see',
      first.conversationId,
      'key-2',
    );
    const ids = [first.id, second.id, first.conversationId];
    const { id: ownerId } = (await (await call(leaver, 'GET', '/me')).json()) as { id: string };
    // Before: the jobs, their conversation and keys are stored, their events logged.
    const stored = await itemsOf(ownerId, ids);
    expect(stored.filter((item) => String(item.pk).startsWith('idem#'))).toHaveLength(2);
    expect(stored.length).toBeGreaterThanOrEqual(5);
    expect(await redisKeysNaming(ids)).not.toEqual([]);
    const kept = await ask(callers.ana, 'Mine stays');

    const erased = await call(leaver, 'DELETE', '/me');

    expect(erased.status).toBe(204);
    expect(await itemsOf(ownerId, ids)).toEqual([]);
    expect(await redisKeysNaming(ids)).toEqual([]);
    for (const path of [`/jobs/${first.id}`, `/conversations/${first.conversationId}`]) {
      expect((await call(leaver, 'GET', path)).status).toBe(404);
    }
    expect(await (await call(leaver, 'GET', '/conversations')).json()).toEqual({
      items: [],
      next: null,
    });
    expect((await call(callers.ana, 'GET', `/jobs/${kept.id}`)).status).toBe(200);
  });
});

/**
 * Every item of the table that names one of `ids`, holds one of the erased questions, or belongs
 * to `ownerId` (their Idempotency-Key records hold no text but a hash of it: they must go too).
 */
async function itemsOf(ownerId: string, ids: string[]): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await suite.clients.documents.send(
      new ScanCommand({ TableName: suite.resources.tableName, ExclusiveStartKey }),
    );
    for (const item of page.Items ?? []) {
      const text = JSON.stringify(item);
      if (
        item.ownerId === ownerId ||
        ids.some((id) => text.includes(id)) ||
        /only I should/.test(text)
      ) {
        found.push(item);
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return found;
}

async function redisKeysNaming(ids: string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const id of ids) keys.push(...(await redis.keys(`*${id}*`)));
  return keys;
}
