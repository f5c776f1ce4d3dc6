import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loggerOptions } from '../../src/logger.js';

/** A real pino logger (our options, redaction included) writing JSON lines into memory. */
export function captureLogs(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino(loggerOptions(level, { service: 'test' }), stream);
  return {
    logger,
    lines,
    text: () => lines.join('\n'),
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
