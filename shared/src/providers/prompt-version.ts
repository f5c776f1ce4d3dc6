import { createHash } from 'node:crypto';
import { MODES } from '../domain/job.js';
import { chatMessages } from './prompt.js';

/**
 * The version of the prompts, derived from their text: a digest of the messages a first question
 * is sent with in every mode, with every setting and with none. Any change to a system prompt or
 * to how a question and its settings are framed changes it, so whatever is keyed on it (the
 * answer cache) moves to new keys by itself; nobody has to remember to bump a number.
 */
export const PROMPT_VERSION: string = (() => {
  // Placeholders no student sends, so the digest sees the framing around each field.
  const settings = [
    { subject: '\u0000subject', level: '\u0000level', language: '\u0000language' },
    { subject: null, level: null, language: null },
  ];
  const samples = MODES.flatMap((mode) =>
    settings.map((fields) =>
      chatMessages({ question: '\u0000question', model: null, mode, turn: 1, ...fields }),
    ),
  );
  return createHash('sha256').update(JSON.stringify(samples)).digest('hex').slice(0, 16);
})();
