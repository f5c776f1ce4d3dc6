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

/**
 * JSON lines to stdout, written synchronously (pino's default destination). Measured here under
 * load (`npm run bench`), this costs less per request than `sync: false`, whose writes go through
 * libuv's thread pool and wake a second thread for every batch; and a line written is never lost
 * to a crash. A reader that stops draining stdout would block the process: on ECS the awslogs
 * driver runs in non-blocking mode (infra) so that it never does.
 */
export function createLogger(level: string, base: Record<string, unknown>) {
  return pino(loggerOptions(level, base), pino.destination({ dest: 1, sync: true }));
}
