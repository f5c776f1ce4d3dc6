import { Readable } from 'node:stream';
import type { LoggedJobEvent } from '@iscoolgpt/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface EventStreamOptions {
  /** A comment line goes out after this much silence, so proxies keep the connection open. */
  heartbeatMs: number;
  /** The reconnection delay suggested to clients, sent once (`retry:`). */
  retryMs: number;
}

export const EVENT_STREAM_DEFAULTS: EventStreamOptions = { heartbeatMs: 15_000, retryMs: 1_000 };

/** Whether the client asked for a server-sent event stream (`Accept: text/event-stream`). */
export function wantsEventStream(request: FastifyRequest): boolean {
  return /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(request.headers.accept ?? '');
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
 * Sends `events` as the response body, with a heartbeat comment after every silence and the
 * `retry:` hint first. Back-pressure is the stream's: a slow client is written to as fast as it
 * reads. `stop` is aborted when the client goes away, which ends the walk over the job's log.
 */
export function sendEventStream(
  reply: FastifyReply,
  events: AsyncIterable<LoggedJobEvent>,
  stop: AbortController,
  options: EventStreamOptions = EVENT_STREAM_DEFAULTS,
): FastifyReply {
  // Closed already (a client that gave up while the job was read) or later: stop following.
  if (reply.raw.closed || reply.raw.destroyed) stop.abort();
  else reply.raw.once('close', () => stop.abort());
  return (
    reply
      .code(200)
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache, no-transform')
      // nginx-style proxies buffer responses unless told not to.
      .header('x-accel-buffering', 'no')
      .send(Readable.from(lines(events, stop.signal, options), { objectMode: false }))
  );
}

async function* lines(
  events: AsyncIterable<LoggedJobEvent>,
  signal: AbortSignal,
  { heartbeatMs, retryMs }: EventStreamOptions,
): AsyncGenerator<string> {
  yield `retry: ${retryMs}\n\n`;
  const iterator = events[Symbol.asyncIterator]();
  let next = iterator.next();
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    while (!signal.aborted) {
      let timer: NodeJS.Timeout | undefined;
      const silence = new Promise<'silence'>((resolve) => {
        timer = setTimeout(() => resolve('silence'), heartbeatMs);
      });
      const result = await Promise.race([next, silence, aborted]);
      clearTimeout(timer);
      if (result === 'aborted') return;
      if (result === 'silence') {
        yield ': keep-alive\n\n';
        continue;
      }
      if (result.done) return;
      yield formatEvent(result.value);
      next = iterator.next();
    }
  } finally {
    // The abort has ended the follow (and its subscription); nothing waits for its last step.
    next.catch(() => undefined);
    void iterator.return?.()?.catch(() => undefined);
  }
}
