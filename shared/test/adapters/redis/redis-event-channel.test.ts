/**
 * What only the Redis event channel can get wrong, on real redis-server processes of this suite's
 * own (so they can be stopped, frozen and restarted): a fixed number of connections whatever the
 * number of followers, failing fast while the server is away or hung and recovering after, the
 * key layout cluster mode needs, and credentials that never reach an error or a log line.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startRedisCluster,
  startRedisServer,
  type RedisServer,
} from '../../../../test/support/local-redis.js';
import { freePort } from '../../../../test/support/host.js';
import {
  connectionOptions,
  DEFAULT_REDIS_TIMEOUTS,
} from '../../../src/adapters/redis/connection.js';
import { EventChannelError } from '../../../src/adapters/redis/live-channels.js';
import { compareIds } from '../../../src/adapters/redis/stream-ids.js';
import {
  eventsKey,
  liveChannel,
  RedisEventChannel,
  type RedisEventChannelOptions,
} from '../../../src/adapters/redis/redis-event-channel.js';
import type { LoggedJobEvent } from '../../../src/domain/events.js';
import { captureLogs } from '../../support/logs.js';

const logs = captureLogs('debug');
const opened: RedisEventChannel[] = [];
const admins: Redis[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((channel) => channel.close()));
});
afterAll(() => {
  for (const admin of admins) admin.disconnect();
});

function open(url: string, options: Partial<RedisEventChannelOptions> = {}) {
  const name = `test-${randomUUID().slice(0, 8)}`;
  const channel = new RedisEventChannel({
    url,
    cluster: false,
    ttlSeconds: 60,
    maxEventsPerJob: 1000,
    logger: logs.logger,
    connectionName: name,
    ...options,
  });
  opened.push(channel);
  return { channel, name };
}

function adminOf(server: RedisServer): Redis {
  const admin = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  admin.on('error', () => {});
  admins.push(admin);
  return admin;
}

/** Connections the server has from one channel (its connections carry the channel's name). */
async function connectionsNamed(admin: Redis, prefix: string): Promise<number> {
  const list = String(await admin.client('LIST'));
  return list.split('\n').filter((line) => line.includes(` name=${prefix}-`)).length;
}

/** Follows a job in the background, keeping what arrived and how it ended. */
function follower(channel: RedisEventChannel, jobId: string, signal: AbortSignal) {
  const seen: LoggedJobEvent[] = [];
  const ended = (async () => {
    for await (const event of channel.follow(jobId, channel.origin, signal)) seen.push(event);
  })().then(
    () => undefined,
    (error: unknown) => error,
  );
  return { seen, ended };
}

async function eventually<T>(probe: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

describe('connections', () => {
  let server: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    admin = adminOf(server);
  });
  afterAll(() => server?.stop());

  it('serves 500 followers of 100 jobs over two connections, and unsubscribes when they leave', async () => {
    const { channel, name } = open(server.url);
    await channel.connected();
    const stop = new AbortController();
    const jobIds = Array.from({ length: 100 }, () => randomUUID());
    const followers = jobIds.flatMap((jobId) =>
      Array.from({ length: 5 }, () => follower(channel, jobId, stop.signal)),
    );
    await eventually(async () => {
      const channels = (await admin.pubsub('CHANNELS', 'job:*')) as string[];
      expect(channels).toHaveLength(100);
    });

    await Promise.all(jobIds.map((jobId) => channel.publish(jobId, { type: 'delta', text: 'x' })));
    await eventually(async () => {
      expect(followers.every((f) => f.seen.length === 1)).toBe(true);
    });

    expect(await connectionsNamed(admin, name)).toBe(2);
    stop.abort();
    await Promise.all(followers.map((f) => f.ended));
    await eventually(async () => {
      expect(await admin.pubsub('CHANNELS', 'job:*')).toEqual([]);
    });
    expect(await connectionsNamed(admin, name)).toBe(2);
  });

  it('names each job’s keys with the job id as hash tag, and sets the TTL on its log', async () => {
    const { channel } = open(server.url, { ttlSeconds: 120 });
    await channel.connected();
    const jobId = randomUUID();

    await channel.publish(jobId, { type: 'delta', text: 'x' });

    expect(eventsKey(jobId)).toBe(`job:{${jobId}}:events`);
    expect(liveChannel(jobId)).toBe(`job:{${jobId}}:live`);
    expect(await admin.type(eventsKey(jobId))).toBe('stream');
    const ttl = await admin.ttl(eventsKey(jobId));
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });
});

describe('cluster mode', () => {
  let cluster: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    admin = adminOf(cluster);
  });
  afterAll(() => cluster?.stop());

  it('keeps a job on the slot of its id, over one connection per node plus the subscriber', async () => {
    const { channel, name } = open(cluster.url, { cluster: true });
    await channel.connected();
    const jobId = randomUUID();
    const stop = new AbortController();
    const following = follower(channel, jobId, stop.signal);
    await eventually(async () => {
      expect(await admin.pubsub('CHANNELS', 'job:*')).toHaveLength(1);
    });

    await channel.publish(jobId, { type: 'delta', text: 'clustered' });

    await eventually(async () => {
      expect(following.seen).toMatchObject([{ text: 'clustered' }]);
    });
    const slotOf = (key: string) => admin.call('CLUSTER', 'KEYSLOT', key);
    expect(await slotOf(eventsKey(jobId))).toBe(await slotOf(jobId));
    expect(await connectionsNamed(admin, name)).toBe(2);
    stop.abort();
    await following.ended;
  });
});

describe('when the server goes away', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(() => server?.stop());

  it('fails publishes and reads at once, ends followers and tells listeners with an error, then recovers', async () => {
    const { channel } = open(server.url);
    await channel.connected();
    const jobId = randomUUID();
    const stop = new AbortController();
    const following = follower(channel, jobId, stop.signal);
    const listened = { heard: 0, lost: [] as unknown[] };
    const unlisten = channel.listen(jobId, {
      heard: () => void (listened.heard += 1),
      done: () => {},
      lost: (error) => void listened.lost.push(error),
    });
    await channel.publish(jobId, { type: 'delta', text: 'before' });
    await eventually(async () => expect(following.seen).toHaveLength(1));
    await eventually(async () => expect(listened.heard).toBe(1));

    await server.stop();

    const startedAt = performance.now();
    await expect(channel.publish(jobId, { type: 'delta', text: 'lost' })).rejects.toThrow();
    expect(performance.now() - startedAt).toBeLessThan(1500);
    await expect(channel.read(jobId, channel.origin)).rejects.toThrow();
    expect(await following.ended).toBeInstanceOf(EventChannelError);
    await expect(
      follower(channel, jobId, new AbortController().signal).ended,
    ).resolves.toBeInstanceOf(EventChannelError);
    await eventually(async () => expect(listened.lost).toHaveLength(1));
    expect(listened.lost[0]).toBeInstanceOf(EventChannelError);
    unlisten();
    // A listener that comes while the server is away is told at once.
    const late: unknown[] = [];
    channel.listen(jobId, { heard: () => {}, done: () => {}, lost: (error) => late.push(error) });
    await eventually(async () => expect(late).toHaveLength(1));
    expect(logs.text()).toContain('event channel unavailable');

    await server.restart();

    // Back within the reconnect delay; the restarted server is empty.
    await eventually(() => channel.publish(jobId, { type: 'delta', text: 'after' }));
    const again = follower(channel, jobId, stop.signal);
    await eventually(async () => expect(again.seen).toMatchObject([{ text: 'after' }]));
    stop.abort();
    expect(await again.ended).toBeUndefined();
  });

  it('fails within the command timeout when the server hangs, then recovers', async () => {
    const { channel } = open(server.url, {
      timeouts: { commandMs: 300 },
      healthCheckMs: 200,
    });
    await channel.connected();
    const jobId = randomUUID();
    const stop = new AbortController();
    const following = follower(channel, jobId, stop.signal);
    await eventually(async () => {
      await channel.publish(jobId, { type: 'delta', text: 'live' });
      expect(following.seen.length).toBeGreaterThan(0);
    });

    server.pause();
    try {
      const startedAt = performance.now();
      await expect(channel.publish(jobId, { type: 'delta', text: 'stuck' })).rejects.toThrow(
        /timed out/i,
      );
      expect(performance.now() - startedAt).toBeLessThan(1500);
      // The subscriber's health check notices too: its follower may have missed events.
      expect(await following.ended).toBeInstanceOf(EventChannelError);
    } finally {
      server.resume();
    }

    await eventually(() => channel.publish(jobId, { type: 'delta', text: 'resumed' }));
    expect((await channel.read(jobId, channel.origin)).at(-1)).toMatchObject({ text: 'resumed' });
  });
});

describe('credentials', () => {
  const secret = `pw-${randomUUID()}`;
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer({ args: ['--requirepass', secret] });
  });
  afterAll(() => server?.stop());

  it('authenticates with the password in REDIS_URL', async () => {
    const { channel } = open(`redis://:${encodeURIComponent(secret)}@127.0.0.1:${server.port}`);
    await channel.connected();
    const jobId = randomUUID();

    await channel.publish(jobId, { type: 'delta', text: 'authenticated' });

    expect(await channel.read(jobId, channel.origin)).toMatchObject([{ text: 'authenticated' }]);
  });

  it('names no password in errors or log lines, for a wrong one or an unreachable server', async () => {
    const wrong = `wrong-${randomUUID()}`;
    const deadPort = await freePort();
    const urls = [
      `redis://default:${wrong}@127.0.0.1:${server.port}`,
      `redis://user:${wrong}@127.0.0.1:${deadPort}`,
    ];
    const errors: unknown[] = [];
    for (const url of urls) {
      const { channel } = open(url);
      await expect(channel.connected(1000)).rejects.toThrow();
      errors.push(
        await channel.publish(randomUUID(), { type: 'delta', text: 'x' }).catch((e: unknown) => e),
      );
      errors.push(await follower(channel, randomUUID(), new AbortController().signal).ended);
    }

    const text = errors
      .map((error) => {
        const { message, stack, cause } = error as Error & { cause?: Error };
        return [message, stack, cause?.message, cause?.stack].join('\n');
      })
      .join('\n');
    expect(errors.every((error) => error instanceof Error)).toBe(true);
    expect(text).not.toContain(wrong);
    expect(logs.text()).not.toContain(wrong);
    expect(logs.text()).not.toContain(secret);
    expect(logs.text()).toContain(`redis://127.0.0.1:${server.port}`);
  });
});

describe('connection options from REDIS_URL', () => {
  const options = (url: string, cluster = false) =>
    connectionOptions({ url, cluster }, DEFAULT_REDIS_TIMEOUTS, 'name');

  it('turns on TLS for rediss://, as ElastiCache requires', () => {
    expect(options('rediss://cache.example.com:6380')).toMatchObject({
      host: 'cache.example.com',
      port: 6380,
      tls: {},
    });
    expect(options('redis://cache.example.com').tls).toBeUndefined();
  });

  it('takes user, password (URL-decoded) and database from the URL', () => {
    expect(options('redis://app:p%40ss@127.0.0.1:6379/2')).toMatchObject({
      username: 'app',
      password: 'p@ss',
      db: 2,
      port: 6379,
    });
    expect(options('redis://127.0.0.1/2', true).db).toBeUndefined();
  });

  it('queues nothing while disconnected and resends nothing after a reconnect', () => {
    expect(options('redis://127.0.0.1')).toMatchObject({
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      autoResubscribe: false,
      commandTimeout: DEFAULT_REDIS_TIMEOUTS.commandMs,
      connectTimeout: DEFAULT_REDIS_TIMEOUTS.connectMs,
    });
  });
});

describe('stream ids', () => {
  it('orders ids by milliseconds, then sequence, beyond 2^53 and with leading zeros', () => {
    const ids = ['1-10', '0-0', '9007199254740993-0', '1-2', '9007199254740992-5', '2-0', '0001-3'];
    expect([...ids].sort(compareIds)).toEqual([
      '0-0',
      '1-2',
      '0001-3',
      '1-10',
      '2-0',
      '9007199254740992-5',
      '9007199254740993-0',
    ]);
    expect(compareIds('01-0', '1-0')).toBe(0);
  });
});
