import type { Config } from '@iscoolgpt/shared';
import closeWithGrace from 'close-with-grace';
import type { App } from './app.js';

/**
 * Listens, and on SIGTERM/SIGINT stops accepting connections, lets in-flight requests finish,
 * then runs `onClose` (the embedded worker's drain) and exits 0.
 */
export async function serve(
  app: App,
  config: Pick<Config, 'PORT' | 'HOST' | 'SHUTDOWN_TIMEOUT_SECONDS'>,
  hooks: { onClose?: () => Promise<void> } = {},
): Promise<void> {
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_SECONDS * 1000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    // Keep-alive sockets that finish their last response after close() began would hold the
    // server open until their keep-alive timeout: close each one as soon as it goes idle.
    const closeIdle = setInterval(() => app.server.closeIdleConnections(), 100);
    await app.close();
    clearInterval(closeIdle);
    await hooks.onClose?.();
  });
  await app.listen({ port: config.PORT, host: config.HOST });
}
