import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger (`request.log`), made into a pino child only when something logs through
 * it. Each request had two children (Fastify's with the request id, then auth's with the
 * principal id), yet most requests log nothing but their access line: making them was a
 * visible part of an ask's CPU in a profile. The access line (`write`) goes through the parent
 * with the bindings beside its fields: the same JSON line, and no child made for it.
 */
export class RequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
  ) {}

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  /** One line with the request's bindings, without making a child logger for it. */
  write(level: Level, fields: Record<string, unknown>, message: string): void {
    if (this.made) this.made[level](fields, message);
    else this.parent[level]({ ...this.bindings, ...fields }, message);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    if (options && Object.keys(options).length > 0) return this.logger().child(bindings, options);
    return this.made
      ? new RequestLogger(this.made, bindings)
      : new RequestLogger(this.parent, { ...this.bindings, ...bindings });
  }

  fatal(...line: unknown[]): void {
    this.log('fatal', line);
  }

  error(...line: unknown[]): void {
    this.log('error', line);
  }

  warn(...line: unknown[]): void {
    this.log('warn', line);
  }

  info(...line: unknown[]): void {
    this.log('info', line);
  }

  debug(...line: unknown[]): void {
    this.log('debug', line);
  }

  trace(...line: unknown[]): void {
    this.log('trace', line);
  }

  silent(): void {}

  private log(level: Level, line: unknown[]): void {
    // A level that is off (pino's methods for it are its `silent`) makes no child.
    if (!this.made && this.parent[level] === this.parent.silent) return;
    const logger = this.logger();
    (logger[level] as (...line: unknown[]) => void).apply(logger, line);
  }

  private logger(): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings);
    return this.made;
  }
}
