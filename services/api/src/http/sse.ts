import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { LoggedJobEvent } from '@iscoolgpt/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StreamSlot } from './open-streams.js';

export interface EventStreamOptions {
  /** A comment line goes out after this much silence, so proxies keep the connection open. */
  heartbeatMs: number;
  /** The reconnection delay suggested to clients, sent once (`retry:`). */
  retryMs: number;
}

export const EVENT_STREAM_DEFAULTS: EventStreamOptions = { heartbeatMs: 15_000, retryMs: 1_000 };

/** Whether the client asked for a server-sent event stream (`Accept: text/event-stream`). */
export function wantsEventStream(headers: FastifyRequest['headers']): boolean {
  return /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(headers.accept ?? '');
}

/**
 * An event as the WHATWG `text/event-stream` format writes it. The data is one JSON line (JSON
 * escapes newlines), so one `data:` field always suffices. Written by hand: it is this one line,
 * and the parsing side, which is where the spec's subtleties live, uses a library in the tests.
 */
export function formatEvent(event: LoggedJobEvent): string {
  const { id, type, ...rest } = event;
  const data = type === 'job' || type === 'done' ? (rest as { job: unknown }).job : rest;
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Sends `events` as the response body, the `retry:` hint first, and a comment line whenever the
 * stream has been silent for half the heartbeat interval (so never silent longer than it): one
 * timer per stream, not one per event. Back-pressure is the socket's: a slow client is written
 * to as fast as it reads. The slot's `stop` is aborted when the client goes away, or when the
 * process closes (OpenStreams.endAll), which ends the walk over the job's log; the slot is given
 * back once the stream has ended.
 */
export function sendEventStream(
  reply: FastifyReply,
  events: AsyncIterable<LoggedJobEvent>,
  { stop, release }: StreamSlot,
  { heartbeatMs, retryMs }: EventStreamOptions = EVENT_STREAM_DEFAULTS,
): FastifyReply {
  // Closed already (a client that gave up while the job was read) or later: stop following.
  if (reply.raw.closed || reply.raw.destroyed) stop.abort();
  else reply.raw.once('close', () => stop.abort());
  const body = new PassThrough();
  let lastWriteAt = performance.now();
  const write = (text: string) => {
    lastWriteAt = performance.now();
    return body.write(text);
  };
  const { metrics } = reply.server;
  metrics.streamOpened();
  const heartbeat = setInterval(() => {
    if (performance.now() - lastWriteAt >= heartbeatMs / 2) write(': keep-alive\n\n');
  }, heartbeatMs / 2);
  void (async () => {
    try {
      write(`retry: ${retryMs}\n\n`);
      for await (const event of events) {
        if (!write(formatEvent(event))) await once(body, 'drain', { signal: stop.signal });
      }
    } catch (error) {
      if (!stop.signal.aborted) reply.log.warn({ err: error }, 'event stream ended by an error');
    } finally {
      clearInterval(heartbeat);
      metrics.streamClosed();
      release();
      body.end();
    }
  })();
  return (
    reply
      .code(200)
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store, no-transform')
      // nginx-style proxies buffer responses unless told not to.
      .header('x-accel-buffering', 'no')
      .send(body)
  );
}
