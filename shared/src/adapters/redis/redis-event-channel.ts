import type { Cluster, Redis, Result } from 'ioredis';
import type { JobEvent, LoggedJobEvent } from '../../domain/events.js';
import type { Job } from '../../domain/job.js';
import type { EndListener, EventChannel, Logger } from '../../domain/ports.js';
import { LiveQueue } from '../live-queue.js';
import {
  commandClient,
  DEFAULT_REDIS_TIMEOUTS,
  describeRedisUrl,
  subscriberClient,
  watchConnection,
  type RedisConnectionSettings,
  type RedisTimeouts,
} from './connection.js';
import { EventChannelError, LiveChannels, type RawListener } from './live-channels.js';
import { compareIds, STREAM_ID } from './stream-ids.js';

/**
 * Appends one event and announces it, atomically: XADD (trimmed to about the cap), EXPIRE (the
 * log outlives its last event by the TTL), PUBLISH of `<id> <event>`. Atomic because order
 * matters: two processes publish to one job (the worker its deltas, the API a cancel's `done`),
 * and as separate commands their XADDs and PUBLISHes could interleave, so that live followers
 * saw ids out of order. A script runs on the job's shard (its one key carries the hash tag).
 */
const APPEND_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[1], id .. ' ' .. ARGV[4])
return id
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    appendJobEvent(
      stream: string,
      channel: string,
      maxLength: number,
      ttlSeconds: number,
      event: string,
    ): Result<string, Context>;
  }
}

export interface RedisEventChannelOptions extends RedisConnectionSettings {
  /** A job's log expires this long after its last event (JOB_EVENTS_TTL_SECONDS). */
  ttlSeconds: number;
  /** About this many events are kept per job (trimming is approximate, by whole stream nodes). */
  maxEventsPerJob: number;
  logger: Logger;
  timeouts?: Partial<RedisTimeouts>;
  /** Names this process's connections (CLIENT LIST), e.g. `iscoolgpt-api`. */
  connectionName?: string;
  /** How often the subscriber connection is checked while anyone follows. */
  healthCheckMs?: number;
}

/** The stream that logs a job's events; `{…}` is the hash tag that keeps a job on one slot. */
export const eventsKey = (jobId: string) => `job:{${jobId}}:events`;
/** The pub/sub channel its live events go out on (same tag, for readability and sharded pub/sub). */
export const liveChannel = (jobId: string) => `job:{${jobId}}:live`;

/**
 * The production event channel on Redis (ElastiCache Serverless for Valkey in AWS): a Redis
 * Stream per job is the log (read back with XRANGE after any id), pub/sub carries live events.
 * A process holds two connections whatever the number of followers (in cluster mode, one per
 * node plus the subscriber). Every call fails within the command timeout when Redis is away, so
 * the domain's fallbacks to the store take over; the connections come back by themselves.
 */
export class RedisEventChannel implements EventChannel {
  readonly origin = '0-0';
  private readonly commands: Redis | Cluster;
  private readonly subscriber: Redis;
  private readonly live: LiveChannels;
  private readonly target: string;
  private closed = false;

  constructor(private readonly options: RedisEventChannelOptions) {
    const timeouts = { ...DEFAULT_REDIS_TIMEOUTS, ...options.timeouts };
    const name = options.connectionName ?? 'iscoolgpt';
    this.target = describeRedisUrl(options.url);
    this.commands = commandClient(options, timeouts, `${name}-commands`);
    this.subscriber = subscriberClient(options, timeouts, `${name}-subscriber`);
    this.commands.defineCommand('appendJobEvent', { numberOfKeys: 1, lua: APPEND_SCRIPT });
    const closing = () => this.closed;
    watchConnection(this.commands, 'commands', this.target, options.logger, closing);
    watchConnection(this.subscriber, 'subscriber', this.target, options.logger, closing);
    this.live = new LiveChannels(
      this.subscriber,
      (message) => this.parseLive(message),
      options.healthCheckMs ?? 5000,
    );
  }

  /**
   * The command connection, for other keys this process keeps in the same Redis (the answer
   * cache): one connection per process, closed with the channel.
   */
  get connection(): Redis | Cluster {
    return this.commands;
  }

  /**
   * Resolves once both connections are up, or rejects after `timeoutMs`. Optional: a process
   * starts without it (calls fail fast until the server answers), but one that just started may
   * want its first publishes to go through.
   */
  async connected(timeoutMs = 5000): Promise<void> {
    const ready = (client: Redis | Cluster) =>
      client.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve) => client.once('ready', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all([ready(this.commands), ready(this.subscriber)]),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new EventChannelError(`event channel: ${this.target} not reachable`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async publish(jobId: string, event: JobEvent): Promise<string> {
    return this.commands.appendJobEvent(
      eventsKey(jobId),
      liveChannel(jobId),
      this.options.maxEventsPerJob,
      this.options.ttlSeconds,
      JSON.stringify(event),
    );
  }

  async holds(jobId: string, id: string): Promise<boolean> {
    if (id === this.origin) return true;
    if (!STREAM_ID.test(id)) return false;
    const entries = await this.commands.xrange(eventsKey(jobId), id, id, 'COUNT', 1);
    return entries.length > 0;
  }

  async read(jobId: string, after: string): Promise<LoggedJobEvent[]> {
    // An id this log cannot have given out (a client's garbage) has nothing after it.
    if (!STREAM_ID.test(after)) return [];
    // `(` makes the start exclusive (Redis 6.2).
    const entries = await this.commands.xrange(eventsKey(jobId), `(${after}`, '+');
    const events: LoggedJobEvent[] = [];
    for (const [id, fields] of entries) {
      const event = decode(id, fields[1]);
      if (event) events.push(event);
    }
    return events;
  }

  /**
   * Subscribes first, then reads the log, then goes live: an event published in between arrives
   * both ways and is passed on once (live events at or before the last one read are dropped, as
   * the log and the channel deliver one job's events in one order).
   */
  async *follow(jobId: string, after: string, signal: AbortSignal): AsyncGenerator<LoggedJobEvent> {
    if (signal.aborted) return;
    if (this.closed) throw new EventChannelError('event channel: closed');
    const queue = new LiveQueue<LoggedJobEvent>();
    const leave = await this.live.join(liveChannel(jobId), queue);
    try {
      let last = STREAM_ID.test(after) ? after : undefined;
      for (const event of await this.read(jobId, after)) {
        if (signal.aborted) return;
        yield event;
        last = event.id;
      }
      for await (const event of queue.drain(signal)) {
        if (last !== undefined && compareIds(event.id, last) <= 0) continue;
        last = event.id;
        yield event;
      }
    } finally {
      leave();
    }
  }

  /**
   * Joins the job's live pub/sub channel with a listener that decodes nothing but `done`, then
   * looks at the log's last event: a `done` published before the SUBSCRIBE took effect is there.
   */
  listen(jobId: string, listener: EndListener): () => void {
    const member = new EndMember(listener);
    if (this.closed) {
      queueMicrotask(() => member.fail(new EventChannelError('event channel: closed')));
      return () => member.stop();
    }
    this.live
      .join(liveChannel(jobId), member)
      .then(async (leave) => {
        member.leave = leave;
        if (member.stopped) return leave();
        const [last] = await this.commands.xrevrange(eventsKey(jobId), '+', '-', 'COUNT', 1);
        const event = last && decode(last[0], last[1][1]);
        if (event?.type === 'done') member.tellDone(event.job);
      })
      .catch((error: unknown) =>
        member.fail(
          error instanceof EventChannelError
            ? error
            : new EventChannelError('event channel: cannot read the log', { cause: error }),
        ),
      );
    return () => member.stop();
  }

  async forget(jobId: string): Promise<void> {
    await this.commands.del(eventsKey(jobId));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.live.close(new EventChannelError('event channel: closed'));
    await Promise.allSettled([quit(this.commands), quit(this.subscriber)]);
  }

  private parseLive(message: string): LoggedJobEvent | undefined {
    const space = message.indexOf(' ');
    return space > 0 ? decode(message.slice(0, space), message.slice(space + 1)) : undefined;
  }
}

/** One EventChannel.listen on the job's pub/sub channel. */
class EndMember implements RawListener {
  leave: (() => void) | undefined;
  stopped = false;
  private told = false;

  constructor(private readonly listener: EndListener) {}

  message(raw: string): void {
    if (this.stopped) return;
    this.listener.heard();
    // Only the event itself has a `type` key (a job has none, and quotes inside strings are
    // escaped), so this finds a `done` without decoding every delta.
    if (!raw.includes('"type":"done"')) return;
    const space = raw.indexOf(' ');
    const event = decode(raw.slice(0, space), raw.slice(space + 1));
    if (event?.type === 'done') this.tellDone(event.job);
  }

  tellDone(job: Job): void {
    if (this.stopped || this.told) return;
    this.told = true;
    this.listener.done(job);
  }

  fail(error: EventChannelError): void {
    if (this.stopped) return;
    this.stopped = true;
    this.listener.lost(error);
  }

  stop(): void {
    this.stopped = true;
    this.leave?.();
  }
}

function decode(id: string, json: string | undefined): LoggedJobEvent | undefined {
  if (json === undefined) return undefined;
  try {
    return { ...(JSON.parse(json) as JobEvent), id };
  } catch {
    return undefined;
  }
}

/** QUIT when connected (replies flushed first), else just stop reconnecting. */
async function quit(client: Redis | Cluster): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through
    }
  }
  client.disconnect();
}
