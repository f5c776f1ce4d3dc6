import { pino, type LoggerOptions } from 'pino';

/**
 * Paths that may hold a secret in a log line; pino replaces their values. Explicit paths, not
 * wildcards: wildcard redaction walks every logged object and costs on the hot path. Secrets are
 * kept out of log calls in the first place; this is the second line of defence.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'apiKey',
  'token',
  'config.OPENAI_API_KEY',
  'config.HF_TOKEN',
  'config.GUEST_TOKEN_SECRET',
];

/** Logger options shared by Fastify's logger and the worker's: JSON lines, secrets redacted. */
export function loggerOptions(level: string, base: Record<string, unknown>): LoggerOptions {
  return {
    level,
    base,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: isoTime,
  };
}

let formattedAt = Number.NaN;
let formatted = '';

/**
 * pino's `isoTime` (`,"time":"<ISO 8601>"`), formatted once per millisecond instead of once per
 * line: under load several lines share a millisecond, and the Date and its string were a
 * visible part of each line's cost.
 */
function isoTime(): string {
  const now = Date.now();
  if (now !== formattedAt) {
    formattedAt = now;
    formatted = `,"time":"${new Date(now).toISOString()}"`;
  }
  return formatted;
}

/** Lines are written once this many bytes wait, or after FLUSH_EVERY_MS, or at exit. */
const BUFFER_BYTES = 4096;
const FLUSH_EVERY_MS = 100;

/**
 * JSON lines to stdout, written synchronously (not through libuv's thread pool, which, measured
 * here under load, cost more per request by waking a second thread for every batch), in batches
 * of up to 4 KiB: a write per line was about a twentieth of an ask's CPU in a profile of the sync
 * ask. A line waits at most FLUSH_EVERY_MS; the batch is written at exit too (a crash included),
 * so only a SIGKILL can lose the last tenth of a second. A reader that stops draining stdout
 * would block the process: on ECS the awslogs driver runs in non-blocking mode (infra) so that
 * it never does.
 */
export function createLogger(level: string, base: Record<string, unknown>) {
  const destination = pino.destination({
    dest: 1,
    sync: true,
    minLength: BUFFER_BYTES,
    periodicFlush: FLUSH_EVERY_MS,
  });
  process.once('exit', () => destination.flushSync());
  return pino(loggerOptions(level, base), destination);
}
