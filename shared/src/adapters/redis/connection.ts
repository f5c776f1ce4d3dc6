import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from '../../domain/ports.js';

export interface RedisConnectionSettings {
  /** `redis://` or `rediss://` (TLS), with optional user, password and (standalone) database. */
  url: string;
  /**
   * Cluster mode (REDIS_CLUSTER): commands are routed by key slot. ElastiCache Serverless is a
   * cluster behind one endpoint, so production sets it; a single local server does not need it.
   */
  cluster: boolean;
}

/**
 * How long the channel may keep a caller waiting. The channel is never the source of truth: a
 * caller that gets an error quickly falls back to the store, one that hangs makes a client wait,
 * so every bound here is short.
 */
export interface RedisTimeouts {
  /** TCP + TLS + AUTH for one connection attempt. */
  connectMs: number;
  /** A single command's reply (a publish, a read, a SUBSCRIBE). */
  commandMs: number;
  /** The longest pause between reconnection attempts while the server is away. */
  maxReconnectDelayMs: number;
}

export const DEFAULT_REDIS_TIMEOUTS: RedisTimeouts = {
  connectMs: 2000,
  commandMs: 1000,
  maxReconnectDelayMs: 1000,
};

/** Where a URL points, for logs and errors: host and port only, never its credentials. */
export function describeRedisUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.hostname}:${parsed.port || '6379'}`;
}

/**
 * The options both kinds of connection share. The URL is taken apart here rather than handed to
 * the client whole, so that no client error or debug line can carry it with its password.
 */
export function connectionOptions(
  settings: RedisConnectionSettings,
  timeouts: RedisTimeouts,
  connectionName: string,
): RedisOptions & { host: string; port: number } {
  const url = new URL(settings.url);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`Unsupported Redis URL scheme ${url.protocol} (redis: or rediss:)`);
  }
  const db = url.pathname.replace(/^\//, '');
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.username && { username: decodeURIComponent(url.username) }),
    ...(url.password && { password: decodeURIComponent(url.password) }),
    ...(db && !settings.cluster && { db: Number(db) }),
    // ElastiCache requires TLS in transit; each certificate is checked against the name connected to.
    ...(url.protocol === 'rediss:' && { tls: {} }),
    connectionName,
    // RESP2 and nothing newer than Redis 6.2: no HELLO, no CLIENT SETINFO (7.2), no INFO ready
    // check (a fresh empty server has nothing to load, and a proxy may not answer INFO).
    protocol: 2,
    disableClientInfo: true,
    enableReadyCheck: false,
    connectTimeout: timeouts.connectMs,
    commandTimeout: timeouts.commandMs,
    // A server that stops answering mid-command: drop the socket (and reconnect) rather than wait.
    socketTimeout: timeouts.commandMs * 3,
    // Fail fast while disconnected. An offline queue would hold publishes for an unbounded time
    // and then send events whose callers were already told they failed (late, out of order), and
    // a command cut by a disconnect is not resent for the same reason.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Subscriptions are ours to manage: followers are failed on a disconnect (they may have
    // missed events), so nothing is resubscribed behind their back.
    autoResubscribe: false,
    retryStrategy: (times) => Math.min(50 * 2 ** times, timeouts.maxReconnectDelayMs),
  };
}

/** A connection for commands: one client, or one per cluster node in cluster mode. */
export function commandClient(
  settings: RedisConnectionSettings,
  timeouts: RedisTimeouts,
  connectionName: string,
): Redis | Cluster {
  // Commands issued in one turn of the event loop (the deltas of many jobs whose provider chunks
  // arrived together) leave in one write, not one syscall each.
  const options = {
    ...connectionOptions(settings, timeouts, connectionName),
    enableAutoPipelining: true,
  };
  if (!settings.cluster) return new Redis(options);
  const {
    host,
    port,
    retryStrategy,
    enableOfflineQueue: _perNode,
    enableAutoPipelining: _perCluster,
    db: _noDatabasesInClusters,
    ...perNode
  } = options;
  const cluster: ClusterOptions = {
    redisOptions: perNode,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    clusterRetryStrategy: (times) => (retryStrategy ? retryStrategy(times) : 1000),
    slotsRefreshTimeout: timeouts.connectMs,
    // Connect to the names the cluster reports, not to addresses resolved from them: with TLS the
    // certificates name the hosts, and a check against an IP address fails (ElastiCache's advice).
    dnsLookup: (address, callback) => callback(null, address),
  };
  return new Cluster([{ host, port }], cluster);
}

/**
 * The subscriber: one plain connection to the endpoint, in cluster mode too. Classic pub/sub in a
 * cluster delivers every PUBLISH to subscribers on every node, so any node will do.
 */
export function subscriberClient(
  settings: RedisConnectionSettings,
  timeouts: RedisTimeouts,
  connectionName: string,
): Redis {
  const { db: _pubSubIgnoresDatabases, ...options } = connectionOptions(
    settings,
    timeouts,
    connectionName,
  );
  return new Redis(options);
}

/**
 * Logs a connection's outages once each (a client reports every failed reconnection attempt),
 * with where it points and the client's message, which names no credentials.
 */
export function watchConnection(
  client: Redis | Cluster,
  role: string,
  target: string,
  logger: Logger,
  /** True once the channel is being closed on purpose: that is no outage. */
  closing: () => boolean,
): void {
  let up = false;
  let reported = false;
  client.on('ready', () => {
    if (!up) logger.info({ redis: target, role }, 'event channel connected');
    up = true;
    reported = false;
  });
  client.on('error', (error: Error) => {
    if (reported || closing()) return;
    reported = true;
    up = false;
    logger.warn({ redis: target, role, reason: error.message }, 'event channel unavailable');
  });
  client.on('close', () => {
    if (!up || closing()) return;
    up = false;
    if (reported) return;
    reported = true;
    logger.warn({ redis: target, role, reason: 'connection closed' }, 'event channel unavailable');
  });
}
