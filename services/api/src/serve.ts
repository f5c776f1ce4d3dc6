import type { AddressInfo } from 'node:net';
import type { Config } from '@iscoolgpt/shared';
import closeWithGrace from 'close-with-grace';
import type { App } from './app.js';

type ListenConfig = Pick<Config, 'PORT' | 'HOST'>;

/**
 * Listens, and on SIGTERM/SIGINT stops accepting connections, lets in-flight requests finish,
 * then runs `onClose` (the embedded worker's drain) and exits 0. When it cannot listen for a
 * reason the person starting it can fix (the port is taken, HOST is not this machine's), it
 * says so in one plain line on stderr, naming the variable to change, and exits 1.
 */
export async function serve(
  app: App,
  config: ListenConfig & Pick<Config, 'SHUTDOWN_TIMEOUT_SECONDS'>,
  hooks: { onClose?: () => Promise<void> } = {},
): Promise<void> {
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_SECONDS * 1000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    // Connections end as they go idle (http/connections.ts), event streams at once.
    await app.close();
    await hooks.onClose?.();
  });
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    const reason = cannotListen(error, config);
    if (!reason) throw error;
    process.stderr.write(`${reason}\n`);
    process.exit(1);
  }
}

/** Why listening failed, in words that name the setting to change; undefined for other errors. */
function cannotListen(error: unknown, { PORT, HOST }: ListenConfig): string | undefined {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return `Port ${PORT} is already in use: stop what is listening there, or set PORT to a free port (e.g. PORT=${PORT + 1}).`;
    case 'EACCES':
      return `Port ${PORT} needs privileges this process lacks: set PORT to a port above 1023 (e.g. PORT=8000).`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `HOST ${HOST} is not an address of this machine: set HOST to one of its addresses (e.g. HOST=127.0.0.1).`;
    default:
      return undefined;
  }
}

/** The address to open in a browser: where the server listens, a wildcard shown as localhost. */
export function localUrl(app: App): string {
  const { address, port } = app.server.address() as AddressInfo;
  const host = address === '0.0.0.0' || address === '::' ? 'localhost' : address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}
