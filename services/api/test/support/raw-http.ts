import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { App } from '../../src/app.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The parsed body when it is JSON. */
  json(): Record<string, unknown>;
}

/** Starts the app on a free loopback port (once per app) and returns the port. */
export async function listen(app: App): Promise<number> {
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as { port: number }).port;
}

/** A raw TCP connection to the app: what Node's HTTP parser sees, byte for byte. */
export async function openSocket(app: App): Promise<Socket & { received: () => string }> {
  const socket = connect(await listen(app), '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  return Object.assign(socket, { received: () => received });
}

/** Resolves once the server has closed the connection. */
export async function closed(socket: Socket): Promise<void> {
  if (socket.readableEnded || socket.destroyed) return;
  await Promise.race([once(socket, 'end'), once(socket, 'close')]);
}

/** Sends `bytes` as they are, waits for the server to close, and parses the first response. */
export async function sendRaw(app: App, bytes: string): Promise<RawResponse> {
  const socket = await openSocket(app);
  socket.write(bytes, 'latin1');
  await closed(socket);
  socket.destroy();
  return parseResponse(socket.received());
}

export function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no HTTP response in ${JSON.stringify(text)}`);
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(end + 4);
  if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
  else if (headers['content-length']) body = body.slice(0, Number(headers['content-length']));
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body,
    json: () => JSON.parse(body) as Record<string, unknown>,
  };
}

function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 4 + size);
  }
}
