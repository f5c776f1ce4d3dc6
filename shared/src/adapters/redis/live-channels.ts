import type { Redis } from 'ioredis';
import type { LoggedJobEvent } from '../../domain/events.js';
import type { LiveQueue } from '../live-queue.js';

/** The channel failed under a follower: it may have missed events, so it must not go on. */
export class EventChannelError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventChannelError';
  }
}

/** A member that takes a channel's messages as they arrive, undecoded. */
export interface RawListener {
  /** A message as published: `<event id> <event JSON>`. */
  message(raw: string): void;
  /** The connection failed: messages may have been missed, and no more will come. */
  fail(error: EventChannelError): void;
}

interface Channel {
  /** Followers: each message is decoded once for all of them. */
  followers: Set<LiveQueue<LoggedJobEvent>>;
  listeners: Set<RawListener>;
  /** Settles once the server confirmed the SUBSCRIBE. */
  subscribed: Promise<unknown>;
}

/**
 * Live delivery for every follower and listener of this process over ONE subscriber connection:
 * pub/sub, one channel per job, subscribed while at least one member reads it
 * (reference-counted).
 *
 * Why pub/sub and not a shared blocking XREAD: in cluster mode one XREAD may only name streams of
 * one slot, so a shared reader would need a connection per shard (and restarting the blocked read
 * whenever a follower joins costs latency); a SUBSCRIBE is one cheap command on one connection,
 * whatever the shard, and classic PUBLISH reaches subscribers on every node. Pub/sub delivers at
 * most once and only while connected, which is why the log stays the stream: followers read it
 * after subscribing, and a lost subscriber connection fails them instead of leaving a gap.
 */
export class LiveChannels {
  private readonly channels = new Map<string, Channel>();
  private healthTimer: NodeJS.Timeout | undefined;
  private lastMessageAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly subscriber: Redis,
    private readonly parse: (message: string) => LoggedJobEvent | undefined,
    /** While anyone follows, the connection is pinged this often, so a hung server is noticed. */
    healthCheckMs: number,
  ) {
    subscriber.on('message', (name: string, message: string) => {
      this.lastMessageAt = performance.now();
      const channel = this.channels.get(name);
      if (!channel) return;
      for (const listener of channel.listeners) listener.message(message);
      if (channel.followers.size === 0) return;
      const event = this.parse(message);
      if (event) for (const follower of channel.followers) follower.push(event);
    });
    subscriber.on('close', () =>
      this.failAll(new EventChannelError('event channel: the subscriber connection was lost')),
    );
    this.healthTimer = setInterval(() => {
      if (this.channels.size === 0 || subscriber.status !== 'ready') return;
      // Messages arriving prove the connection alive. And a busy process must not ping: the reply
      // queues behind every message still unread, so a loaded event loop would time the ping out
      // and drop a healthy connection, failing every follower at once.
      if (performance.now() - this.lastMessageAt < healthCheckMs) return;
      // A ping that times out means the server is gone without closing the socket: reconnect,
      // and the close fails the followers.
      subscriber.ping().catch(() => subscriber.disconnect(true));
    }, healthCheckMs);
    this.healthTimer.unref();
  }

  /**
   * Starts delivering the channel's messages to `member` (a follower's queue gets them decoded,
   * a listener raw); resolves once they flow (the SUBSCRIBE is confirmed), with the function that
   * stops them. Rejects when the server cannot be reached.
   */
  async join(name: string, member: LiveQueue<LoggedJobEvent> | RawListener): Promise<() => void> {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = {
        followers: new Set(),
        listeners: new Set(),
        subscribed: this.subscriber.subscribe(name),
      };
      this.channels.set(name, channel);
    }
    const joined = channel;
    const members: Set<typeof member> = 'message' in member ? joined.listeners : joined.followers;
    members.add(member);
    const leave = () => {
      if (!members.delete(member)) return;
      if (joined.followers.size > 0 || joined.listeners.size > 0) return;
      if (this.channels.get(name) !== joined) return;
      this.channels.delete(name);
      // Commands on one connection run in order: a later SUBSCRIBE to the same channel (a new
      // member) is applied after this, so it stays subscribed.
      if (this.subscriber.status === 'ready') this.subscriber.unsubscribe(name).catch(() => {});
    };
    try {
      await joined.subscribed;
    } catch (error) {
      leave();
      throw new EventChannelError('event channel: cannot subscribe', { cause: error });
    }
    return leave;
  }

  /** Channels subscribed now (for tests and diagnostics). */
  get size(): number {
    return this.channels.size;
  }

  close(error: EventChannelError): void {
    clearInterval(this.healthTimer);
    this.healthTimer = undefined;
    this.failAll(error);
  }

  private failAll(error: EventChannelError): void {
    const channels = [...this.channels.values()];
    this.channels.clear();
    for (const channel of channels) {
      for (const follower of channel.followers) follower.fail(error);
      for (const listener of channel.listeners) listener.fail(error);
    }
  }
}
