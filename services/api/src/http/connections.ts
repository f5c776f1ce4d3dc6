import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/**
 * Caps open connections: past the cap Node closes new ones at once, before they cost a parser.
 * Drops are logged at most every 10 s, with their count, so a flood does not flood the logs too.
 */
export function limitConnections(server: Server, max: number, logger: FastifyBaseLogger): void {
  server.maxConnections = max;
  let dropped = 0;
  let lastLogged = 0;
  server.on('drop', () => {
    dropped++;
    const now = Date.now();
    if (now - lastLogged < 10_000) return;
    logger.warn(
      { dropped, maxConnections: max },
      'connections refused: the connection cap is reached',
    );
    lastLogged = now;
    dropped = 0;
  });
}

/**
 * How the server's connections end when it closes, so that no keep-alive connection holds the
 * closing process until it times out: idle ones at once, the others as soon as their response is
 * out (event streams end first: OpenStreams.endAll). Node's closeIdleConnections, which Fastify
 * calls once as it closes, misses two kinds: a connection whose response ends after that call,
 * and one that has not sent a byte yet (a load balancer's pre-opened one, a browser's
 * speculative one), which Node keeps for its headers timeout. Nothing here runs per request.
 */
export function drainOnClose(app: FastifyInstance): void {
  const open = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  app.addHook('preClose', (done) => {
    for (const socket of open) if (socket.bytesRead === 0) socket.destroy();
    const closeIdle = setInterval(() => app.server.closeIdleConnections(), 100);
    app.server.once('close', () => clearInterval(closeIdle));
    done();
  });
}
