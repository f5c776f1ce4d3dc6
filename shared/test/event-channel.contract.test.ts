/**
 * The EventChannel contract, run against every event channel: the embedded MemoryEventChannel and the
 * production RedisEventChannel on a real Redis server, standalone and in cluster mode (a one-node
 * cluster, with the slot rules ElastiCache Serverless applies). What one guarantees, all must.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localRedisUrl } from '../../test/support/redis-suite.js';
import { startRedisCluster, type RedisServer } from '../../test/support/local-redis.js';
import { MemoryEventChannel } from '../src/adapters/memory/event-channel.js';
import { RedisEventChannel } from '../src/adapters/redis/redis-event-channel.js';
import type { JobEvent, LoggedJobEvent } from '../src/domain/events.js';
import type { EventChannel } from '../src/domain/ports.js';
import { captureLogs } from './support/logs.js';
import { newJob } from './support/jobs.js';
import { toPublicJob, type Job } from '../src/domain/job.js';

interface Limits {
  ttlSeconds: number;
  maxEventsPerJob: number;
}

interface ChannelsUnderTest {
  /** A channel with these limits (each test that needs special limits opens its own). */
  open(limits?: Partial<Limits>): Promise<EventChannel>;
  close(): Promise<void>;
}

const DEFAULTS: Limits = { ttlSeconds: 60, maxEventsPerJob: 1000 };
const logs = captureLogs('debug');

function redisChannels(url: () => string, cluster: boolean): ChannelsUnderTest {
  const opened: RedisEventChannel[] = [];
  return {
    async open(limits) {
      const channel = new RedisEventChannel({
        url: url(),
        cluster,
        ...DEFAULTS,
        ...limits,
        logger: logs.logger,
        connectionName: `contract-${randomUUID().slice(0, 8)}`,
      });
      opened.push(channel);
      await channel.connected();
      return channel;
    },
    close: async () => {
      await Promise.all(opened.map((channel) => channel.close()));
    },
  };
}

let cluster: RedisServer | undefined;

const subjects: [string, () => Promise<ChannelsUnderTest>][] = [
  [
    'MemoryEventChannel',
    async () => ({
      open: async (limits) => new MemoryEventChannel({ ...DEFAULTS, maxJobs: 1000, ...limits }),
      close: async () => {},
    }),
  ],
  ['RedisEventChannel', async () => redisChannels(localRedisUrl, false)],
  [
    'RedisEventChannel in cluster mode',
    async () => {
      cluster = await startRedisCluster();
      const channels = redisChannels(() => cluster!.url, true);
      return {
        open: channels.open,
        close: async () => {
          await channels.close();
          await cluster?.stop();
        },
      };
    },
  ],
];

/** Orders ids of either kind (`7` or `1700000000000-3`): the contract says they increase. */
function compareIds(a: string, b: string): number {
  const parts = (id: string) => id.split('-').map(BigInt);
  const [a1 = 0n, a2 = 0n] = parts(a);
  const [b1 = 0n, b2 = 0n] = parts(b);
  return a1 === b1 ? Number(a2 - b2) : a1 < b1 ? -1 : 1;
}

const delta = (text: string): JobEvent => ({ type: 'delta', text });

/** Collects what follow() yields until `until` matches (inclusive) or the signal aborts. */
async function collect(
  iterable: AsyncIterable<LoggedJobEvent>,
  until: (event: LoggedJobEvent) => boolean = () => false,
): Promise<LoggedJobEvent[]> {
  const seen: LoggedJobEvent[] = [];
  for await (const event of iterable) {
    seen.push(event);
    if (until(event)) break;
  }
  return seen;
}

/**
 * Gives a follower time to subscribe, so that what is published next mostly reaches it live (the
 * assertions hold either way: what it misses live, it reads from the log).
 */
async function settle(): Promise<void> {
  await sleep(50);
}

const isDone = (event: LoggedJobEvent) => event.type === 'done';

describe.each(subjects)('EventChannel contract: %s', (_name, start) => {
  let subject: ChannelsUnderTest;
  let events: EventChannel;

  beforeAll(async () => {
    subject = await start();
    events = await subject.open();
  });
  afterAll(() => subject?.close());

  describe('publish and read', () => {
    it('reads back every event in publish order, with the ids publish gave, payloads intact', async () => {
      const jobId = randomUUID();
      const job = toPublicJob(newJob({ id: jobId }));
      const published: JobEvent[] = [
        { type: 'job', job },
        delta('Light is '),
        delta('scattered — ∂x, 光, "quoted"\n'),
        { type: 'reset', reason: 'retry' },
        { type: 'done', job: { ...job, status: 'completed', answer: 'done' } },
      ];
      const ids: string[] = [];
      for (const event of published) ids.push(await events.publish(jobId, event));

      const read = await events.read(jobId, events.origin);

      expect(read).toEqual(published.map((event, index) => ({ ...event, id: ids[index] })));
    });

    it('gives ids that increase, also for publishes racing each other', async () => {
      const jobId = randomUUID();
      const ids = await Promise.all(
        Array.from({ length: 50 }, (_, index) => events.publish(jobId, delta(`${index}`))),
      );

      const read = await events.read(jobId, events.origin);

      expect(new Set(ids).size).toBe(50);
      expect(read.map((event) => event.id).sort(compareIds)).toEqual(read.map((e) => e.id));
      expect([...ids].sort(compareIds)).toEqual(read.map((event) => event.id));
      expect(compareIds(events.origin, read[0]!.id)).toBeLessThan(0);
    });

    it('reads only what comes after the given id', async () => {
      const jobId = randomUUID();
      const ids: string[] = [];
      for (const text of ['a', 'b', 'c', 'd']) ids.push(await events.publish(jobId, delta(text)));

      expect((await events.read(jobId, ids[1]!)).map((event) => event.id)).toEqual(ids.slice(2));
      expect(await events.read(jobId, ids[3]!)).toEqual([]);
    });

    it('keeps each job to its own log, and has nothing for an unknown job', async () => {
      const [first, second] = [randomUUID(), randomUUID()];
      await events.publish(first, delta('first'));
      await events.publish(second, delta('second'));

      expect((await events.read(first, events.origin)).map((event) => event)).toMatchObject([
        { text: 'first' },
      ]);
      expect(await events.read(randomUUID(), events.origin)).toEqual([]);
    });
  });

  describe('holds', () => {
    it('holds the origin of any job, the ids it gave out, and nothing made up', async () => {
      const jobId = randomUUID();
      const id = await events.publish(jobId, delta('x'));

      expect(await events.holds(randomUUID(), events.origin)).toBe(true);
      expect(await events.holds(jobId, id)).toBe(true);
      expect(await events.holds(jobId, 'not-an-id')).toBe(false);
      expect(await events.holds(jobId, '')).toBe(false);
    });
  });

  describe('follow', () => {
    it('replays the log, then delivers live events as they are published', async () => {
      const jobId = randomUUID();
      const early = [
        await events.publish(jobId, delta('1')),
        await events.publish(jobId, delta('2')),
      ];
      const stop = new AbortController();
      const following = collect(events.follow(jobId, events.origin, stop.signal), isDone);
      await settle();
      const late = [
        await events.publish(jobId, delta('3')),
        await events.publish(jobId, { type: 'done', job: toPublicJob(newJob({ id: jobId })) }),
      ];

      const seen = await following;

      expect(seen.map((event) => event.id)).toEqual([...early, ...late]);
      expect(seen.map((event) => event.type)).toEqual(['delta', 'delta', 'delta', 'done']);
    });

    it('starts after the given id, as a reconnecting client asks', async () => {
      const jobId = randomUUID();
      const ids: string[] = [];
      for (const text of ['a', 'b', 'c']) ids.push(await events.publish(jobId, delta(text)));
      const stop = new AbortController();
      const following = collect(events.follow(jobId, ids[0]!, stop.signal), isDone);
      await settle();
      ids.push(await events.publish(jobId, { type: 'done', job: toPublicJob(newJob()) }));

      expect((await following).map((event) => event.id)).toEqual(ids.slice(1));
    });

    it('loses and repeats nothing published while followers join (subscribe, read, dedupe)', async () => {
      const jobId = randomUUID();
      const total = 300;
      const stop = new AbortController();
      const followers: Promise<{ after: string; seen: LoggedJobEvent[] }>[] = [];
      let last = events.origin;
      // Publishes race each other in small bursts while followers join at every step, some from
      // the origin, some from the latest id they could know: each join lands mid-publish.
      for (let index = 0; index < total; index += 10) {
        const burst = Array.from({ length: 10 }, (_, offset) =>
          events.publish(jobId, delta(`${index + offset} `)),
        );
        const after = index % 20 === 0 ? events.origin : last;
        followers.push(
          collect(events.follow(jobId, after, stop.signal), isDone).then((seen) => ({
            after,
            seen,
          })),
        );
        const ids = await Promise.all(burst);
        last = ids.sort(compareIds).at(-1)!;
      }
      await events.publish(jobId, { type: 'done', job: toPublicJob(newJob({ id: jobId })) });
      const log = await events.read(jobId, events.origin);
      expect(log).toHaveLength(total + 1);

      for (const { after, seen } of await Promise.all(followers)) {
        const expected = log.filter((event) => compareIds(event.id, after) > 0);
        expect(seen.map((event) => event.id)).toEqual(expected.map((event) => event.id));
      }
    });

    it('ends quietly when its signal aborts, while waiting for an event', async () => {
      const jobId = randomUUID();
      await events.publish(jobId, delta('only'));
      const stop = new AbortController();
      const seen: LoggedJobEvent[] = [];
      const following = (async () => {
        for await (const event of events.follow(jobId, events.origin, stop.signal))
          seen.push(event);
      })();
      while (seen.length === 0) await sleep(10);

      stop.abort();

      await expect(following).resolves.toBeUndefined();
      expect(seen).toMatchObject([{ text: 'only' }]);
    });

    it('yields nothing for a signal aborted before it starts', async () => {
      const jobId = randomUUID();
      await events.publish(jobId, delta('x'));

      expect(await collect(events.follow(jobId, events.origin, AbortSignal.abort()))).toEqual([]);
    });

    it('goes live for a job with no events yet', async () => {
      const jobId = randomUUID();
      const following = collect(
        events.follow(jobId, events.origin, new AbortController().signal),
        isDone,
      );
      await settle();
      const id = await events.publish(jobId, { type: 'done', job: toPublicJob(newJob()) });

      expect((await following).map((event) => event.id)).toEqual([id]);
    });

    it('serves many followers of many jobs at once, each exactly its own job', async () => {
      const jobIds = Array.from({ length: 20 }, () => randomUUID());
      const stop = new AbortController();
      const following = jobIds.flatMap((jobId) =>
        Array.from({ length: 10 }, () =>
          collect(events.follow(jobId, events.origin, stop.signal), isDone).then((seen) => ({
            jobId,
            seen,
          })),
        ),
      );
      await settle();
      await Promise.all(
        jobIds.map(async (jobId) => {
          for (let index = 0; index < 5; index += 1) await events.publish(jobId, delta(jobId));
          await events.publish(jobId, { type: 'done', job: toPublicJob(newJob({ id: jobId })) });
        }),
      );

      const results = await Promise.all(following);

      expect(results).toHaveLength(200);
      for (const { jobId, seen } of results) {
        expect(seen.map((event) => (event.type === 'delta' ? event.text : event.type))).toEqual([
          ...Array(5).fill(jobId),
          'done',
        ]);
      }
      stop.abort();
    });
  });

  describe('listen', () => {
    /** A listener that keeps what it was told. */
    function listener() {
      const told: { heard: number; done: Job[]; lost: unknown[] } = {
        heard: 0,
        done: [],
        lost: [],
      };
      return {
        told,
        heard: () => void (told.heard += 1),
        done: (job: Job) => void told.done.push(job),
        lost: (error: unknown) => void told.lost.push(error),
      };
    }

    it('hears every event while listening and is told `done` once, with the job', async () => {
      const jobId = randomUUID();
      const job = toPublicJob(newJob({ id: jobId, status: 'completed', answer: 'Done.' }));
      const ear = listener();
      const stop = events.listen(jobId, ear);
      await settle();

      await events.publish(jobId, delta('a'));
      await events.publish(jobId, delta('b'));
      await events.publish(jobId, { type: 'done', job });

      await vi.waitFor(() => expect(ear.told.done).toEqual([job]), { timeout: 10_000 });
      expect(ear.told.heard).toBe(3);
      expect(ear.told.lost).toEqual([]);
      stop();
    });

    it('is told `done` at once for a job whose `done` was published before it listened', async () => {
      const jobId = randomUUID();
      const job = toPublicJob(newJob({ id: jobId, status: 'cancelled' }));
      await events.publish(jobId, delta('early'));
      await events.publish(jobId, { type: 'done', job });

      const ear = listener();
      const stop = events.listen(jobId, ear);

      await vi.waitFor(() => expect(ear.told.done).toEqual([job]), { timeout: 10_000 });
      stop();
    });

    it('is told nothing once it stops listening, while other listeners still are', async () => {
      const jobId = randomUUID();
      const [gone, staying] = [listener(), listener()];
      const stop = events.listen(jobId, gone);
      const stopStaying = events.listen(jobId, staying);
      await settle();
      stop();

      await events.publish(jobId, delta('after'));
      await events.publish(jobId, { type: 'done', job: toPublicJob(newJob({ id: jobId })) });

      await vi.waitFor(() => expect(staying.told.done).toHaveLength(1), { timeout: 10_000 });
      expect(gone.told).toEqual({ heard: 0, done: [], lost: [] });
      stopStaying();
    });
  });

  describe('forget', () => {
    it('drops a job’s log at once; the job can be published to again', async () => {
      const jobId = randomUUID();
      const id = await events.publish(jobId, delta('gone'));

      await events.forget(jobId);

      expect(await events.read(jobId, events.origin)).toEqual([]);
      expect(await events.holds(jobId, id)).toBe(false);
      await events.publish(jobId, delta('again'));
      expect(await events.read(jobId, events.origin)).toMatchObject([{ text: 'again' }]);
    });
  });

  describe('limits', () => {
    it('expires a log its TTL after its last event, not after its first', async () => {
      const short = await subject.open({ ttlSeconds: 2 });
      const jobId = randomUUID();
      const first = await short.publish(jobId, delta('first'));
      await sleep(1800);
      await short.publish(jobId, delta('second'));
      await sleep(400);
      // Past the TTL after the first event, 0.4 s after the last (1.6 s to spare): all still there.
      expect(await short.read(jobId, short.origin)).toHaveLength(2);

      await sleep(2000);

      expect(await short.read(jobId, short.origin)).toEqual([]);
      expect(await short.holds(jobId, first)).toBe(false);
    });

    it('keeps about maxEventsPerJob events per job, the newest', async () => {
      const cap = 50;
      const capped = await subject.open({ maxEventsPerJob: cap });
      const jobId = randomUUID();
      const ids: string[] = [];
      for (let index = 0; index < 400; index += 1) {
        ids.push(await capped.publish(jobId, delta(`${index}`)));
      }

      const kept = await capped.read(jobId, capped.origin);

      // Redis trims whole stream nodes (`MAXLEN ~`, 100 entries a node): at most one node over.
      expect(kept.length).toBeGreaterThanOrEqual(cap);
      expect(kept.length).toBeLessThanOrEqual(cap + 100);
      expect(kept.map((event) => event.id)).toEqual(ids.slice(-kept.length));
      expect(await capped.holds(jobId, ids[0]!)).toBe(false);
      expect(await capped.holds(jobId, ids.at(-1)!)).toBe(true);
    });
  });
});
