import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger, MetricsExposition } from '@iscoolgpt/shared';

/**
 * The worker's one listener: `GET /metrics` (Prometheus text of the worker's registry) on
 * METRICS_PORT, for scrapers inside the network; anything else is 404. Plain node:http: one
 * route does not need a framework.
 */
export async function listenForMetrics(
  exposition: MetricsExposition,
  { port, host }: { port: number; host: string },
  logger: Logger,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    exposition.text().then(
      (text) =>
        response
          .writeHead(200, { 'content-type': exposition.contentType, 'cache-control': 'no-store' })
          .end(request.method === 'HEAD' ? undefined : text),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics could not be collected');
        response.writeHead(500).end();
      },
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/metrics`;
  logger.info({ metrics: url }, 'metrics served');
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
