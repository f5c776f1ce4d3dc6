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
];

/** Logger options shared by Fastify's logger and the worker's: JSON lines, secrets redacted. */
export function loggerOptions(level: string, base: Record<string, unknown>): LoggerOptions {
  return {
    level,
    base,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(level: string, base: Record<string, unknown>) {
  return pino(loggerOptions(level, base));
}
