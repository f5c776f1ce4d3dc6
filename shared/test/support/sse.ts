/**
 * A test client for server-sent events over real HTTP: fetch for the connection, the
 * `eventsource-parser` library for the WHATWG event-stream format, so what the tests read is what
 * a browser's EventSource would read.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
  /** performance.now() when the client parsed it. */
  receivedAt: number;
}

export interface EventStream {
  response: Response;
  events: SseEvent[];
  comments: string[];
  retries: number[];
  /** Resolves when the server ends the stream (or the connection is cut). */
  ended: Promise<void>;
  /** Resolves with the first event (counting those already read) that matches. */
  waitFor(
    match: (event: SseEvent, index: number) => boolean,
    timeoutMs?: number,
  ): Promise<SseEvent>;
  /** Cuts the connection, as a dropped network would. */
  cut(): void;
}

export async function openEventStream(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    ...init,
    headers: { accept: 'text/event-stream', ...init.headers },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => {
      events.push({
        id: message.id,
        event: message.event,
        data: message.data,
        receivedAt: performance.now(),
      });
      wake();
    },
    onComment: (comment) => comments.push(comment),
    onRetry: (retry) => retries.push(retry),
  });
  let done = false;
  const ended = (async () => {
    if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
      return;
    }
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // cut on purpose, or by the server
    } finally {
      done = true;
      wake();
    }
  })();
  return {
    response,
    events,
    comments,
    retries,
    ended,
    cut: () => controller.abort(),
    waitFor: (match, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found) {
            finish();
            resolve(found);
          } else if (done) {
            finish();
            reject(new Error(`stream ended without the event; got ${describe(events)}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${describe(events)}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

function describe(events: SseEvent[]): string {
  return events.map((event) => `${event.event}#${event.id}`).join(', ') || 'nothing';
}

/** The answer a client rebuilds from a stream: the `delta` texts after the last `reset`. */
export function streamedText(events: readonly SseEvent[]): string {
  let text = '';
  for (const event of events) {
    if (event.event === 'reset') text = '';
    if (event.event === 'delta') text += (JSON.parse(event.data) as { text: string }).text;
  }
  return text;
}

export function eventData<T = Record<string, unknown>>(event: SseEvent | undefined): T {
  if (!event) throw new Error('no event');
  return JSON.parse(event.data) as T;
}
