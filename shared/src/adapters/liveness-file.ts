import { closeSync, openSync, utimesSync } from 'node:fs';
import type { Logger } from '../domain/ports.js';

/**
 * A file whose modification time says "this process's loop is turning". The worker touches it
 * from its poll loops; the container health check (infra: worker-service.ts) fails when it is
 * older than a few poll intervals, and ECS replaces a task whose loop has stalled (a wedged event
 * loop, a consumer that stopped polling) though its process still runs.
 */
export class LivenessFile {
  private warned = false;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
  ) {}

  /** Sets the file's mtime to now, creating it if need be. Never throws. */
  touch(): void {
    try {
      const now = new Date();
      try {
        utimesSync(this.path, now, now);
      } catch {
        closeSync(openSync(this.path, 'a'));
      }
      this.warned = false;
    } catch (error) {
      if (!this.warned)
        this.logger.warn({ err: error, path: this.path }, 'liveness file not touched');
      this.warned = true;
    }
  }
}
