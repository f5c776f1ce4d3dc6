import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { build } from '../support/build.js';
import { closed, listen, openSocket, parseResponse } from '../support/raw-http.js';

// Short limits so each case ends quickly; the behaviour is the same at the defaults.
const timed = await build({
  HTTP_REQUEST_TIMEOUT_SECONDS: '0.5',
  HTTP_CONNECTION_TIMEOUT_SECONDS: '3',
  OFFLINE_PROVIDER_DELAY_MS: '1500',
});
const { app } = timed;
const idle = await build({
  HTTP_CONNECTION_TIMEOUT_SECONDS: '0.5',
  OFFLINE_PROVIDER_DELAY_MS: '1500',
  SYNC_WAIT_SECONDS: '5',
});
const capped = await build({ HTTP_MAX_CONNECTIONS: '2' });
// Closed by its test, as SIGTERM closes the api (the connection timeout far off: nothing waits on it).
const closing = await build({
  HTTP_CONNECTION_TIMEOUT_SECONDS: '120',
  OFFLINE_PROVIDER_DELAY_MS: '4000',
  SYNC_WAIT_SECONDS: '10',
});

const askHead = (contentLength: number) =>
  'POST /api/v1/ask HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
  `content-length: ${contentLength}\r\n\r\n`;

describe('request and connection timeouts', () => {
  it('answers 408 problem+json and closes when a body stops short of its Content-Length', async () => {
    const socket = await openSocket(app);
    socket.write(askHead(30) + '{"ques');

    await closed(socket);
    const response = parseResponse(socket.received());
    expect(response.status).toBe(408);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.connection).toBe('close');
    expect(response.json()).toMatchObject({ status: 408, type: '/problems/request-timeout' });
  });

  it('answers 408 to a body that trickles in a byte at a time, however long it keeps sending', async () => {
    const socket = await openSocket(app);
    const body = JSON.stringify({ question: 'one byte at a time, for ever' });
    socket.write(askHead(body.length));
    let sent = 0;
    const drip = setInterval(
      () => socket.writable && socket.write(body[sent++ % body.length]!),
      50,
    );

    await closed(socket);
    clearInterval(drip);
    expect(parseResponse(socket.received()).status).toBe(408);
  });

  it('does not time out the response: an ask waiting for its answer past the request timeout gets it', async () => {
    const port = await listen(app);
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=10' },
      body: JSON.stringify({ question: 'Slow answer' }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'completed' });
  });

  it('answers 408 to a connection that opens and sends nothing', async () => {
    const socket = await openSocket(app);
    await closed(socket);
    expect(parseResponse(socket.received()).status).toBe(408);
  });

  it('closes a connection on which nothing moves for HTTP_CONNECTION_TIMEOUT_SECONDS', async () => {
    // Why the idle timeout must stay above the longest synchronous wait: a waiting ask is quiet.
    const socket = await openSocket(idle.app);
    const body = JSON.stringify({ question: 'Quiet for too long' });
    socket.write(askHead(body.length) + body);

    await closed(socket);
    expect(socket.received()).toBe('');
  });

  it('logs a timed-out request at info, with the request id it answered with', async () => {
    const socket = await openSocket(app);
    socket.write(askHead(10));
    await closed(socket);
    const id = parseResponse(socket.received()).headers['x-request-id'];
    expect(timed.logs).toContainEqual(
      expect.objectContaining({ level: 30, reqId: id, statusCode: 408 }),
    );
  });
});

describe('connection cap (HTTP_MAX_CONNECTIONS)', () => {
  it('closes connections past the cap at once, and serves again once one is freed', async () => {
    const first = await openSocket(capped.app);
    const second = await openSocket(capped.app);
    // Let the server account for both before the third arrives.
    await sleep(50);

    const third = await openSocket(capped.app);
    third.write('GET /health HTTP/1.1\r\nhost: x\r\n\r\n');
    await closed(third);
    expect(third.received()).toBe('');

    first.destroy();
    await once(first, 'close');
    await sleep(50);
    const port = await listen(capped.app);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    second.destroy();
  });
});

describe('closing the server (SIGTERM)', () => {
  it('ends open event streams and unused connections at once, and lets an ask in flight finish', async () => {
    const { app } = closing;
    const port = await listen(app);
    const url = `http://127.0.0.1:${port}/api/v1/ask`;
    // Every answer takes 4 s here: this one's stream is open when the server closes.
    const stream = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ question: 'Tell me about volcanoes' }),
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    // A connection that has sent nothing yet (a load balancer opens some ahead of requests).
    const unused = await openSocket(app);
    const inFlight = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=10' },
      body: JSON.stringify({ question: 'Explain photosynthesis' }),
    });
    // Both asks taken in (each has its conversation) before the server closes.
    await vi.waitFor(
      async () => {
        const list = await app.inject({ method: 'GET', url: '/api/v1/conversations' });
        expect(list.json<{ items: unknown[] }>().items).toHaveLength(2);
      },
      { timeout: 10_000 },
    );

    const closed$ = app.close();

    let text = '';
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      text += new TextDecoder().decode(read.value);
    }
    // Ended without its `done`: the client reconnects with Last-Event-ID elsewhere.
    expect(text).toContain('event: job');
    expect(text).not.toContain('event: done');
    await closed(unused);
    expect(unused.received()).toBe('');
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ status: 'completed' });
    await closed$;
    expect(app.server.listening).toBe(false);
  });
});
