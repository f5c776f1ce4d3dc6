import { pino, type LoggerOptions } from 'pino';

/** Paths that may hold a secret anywhere in a log line; pino replaces their values. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  '*.apiKey',
  '*.token',
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
