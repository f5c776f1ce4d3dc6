import type { Logger } from './ports.js';

/**
 * A child logger made on its first line. A job's logger is handed to every call made for it
 * (the providers log retries and failures through it), yet most jobs log nothing there: making
 * a pino child for each of them cost more than the job's own log line. A class, not closures:
 * one small object per job.
 */
export class LazyChildLogger implements Logger {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Record<string, unknown>,
  ) {}

  debug(...line: Parameters<Logger['debug']>): void {
    this.child().debug(...line);
  }

  info(...line: Parameters<Logger['info']>): void {
    this.child().info(...line);
  }

  warn(...line: Parameters<Logger['warn']>): void {
    this.child().warn(...line);
  }

  error(...line: Parameters<Logger['error']>): void {
    this.child().error(...line);
  }

  child(bindings?: Record<string, unknown>): Logger {
    this.made ??= this.parent.child(this.bindings);
    return bindings ? this.made.child(bindings) : this.made;
  }
}
