import { setTimeout as sleep } from 'node:timers/promises';
import type {
  Answer,
  AnswerProvider,
  AnswerRequest,
  ProviderCallOptions,
} from '../domain/ports.js';
import { fittingHistory } from './prompt.js';

export const OFFLINE_MODEL = 'offline-demo';

/**
 * The provider used when no LLM key is configured, so the service works with zero setup.
 * It calls no model and says so in every answer: its output is a study-plan template built from
 * the question, never something that could pass for a model's answer.
 */
export class OfflineProvider implements AnswerProvider {
  readonly name = 'offline' as const;

  constructor(private readonly options: { delayMs: number } = { delayMs: 0 }) {}

  /** Streams its text word by word, its delay spread over the words, so streaming shows without keys. */
  async answer(request: AnswerRequest, options: ProviderCallOptions = {}): Promise<Answer> {
    const about = [request.subject, request.level && `${request.level} level`]
      .filter(Boolean)
      .join(', ');
    const asked = `Your question${about ? ` (${about})` : ''}: "${request.question}"`;
    const turn = turnLine(request);
    const text = `${HEADER}\n\n${turn}\n\n${asked}\n\n${STUDY_STEPS}`;
    // Every part starts with a word (the blank line after one trails its last word), so the
    // text's words are the parts' words in turn: only this request's two parts are split here.
    const turnWords = words(`${turn}\n\n`);
    const askedWords = words(`${asked}\n\n`);
    // The parts in turn, not one array spread from them (that copy was most of what an answer
    // allocated).
    const parts = [HEADER_WORDS, turnWords, askedWords, STUDY_STEP_WORDS];
    const pause = this.options.delayMs / (TEMPLATE_WORDS + turnWords.length + askedWords.length);
    const startedAt = pause > 0 ? performance.now() : 0;
    let sent = 0;
    for (let part = 0; part < parts.length; part++) {
      const words = parts[part]!;
      for (let index = 0; index < words.length; index++) {
        if (pause > 0) {
          // Each word at its own instant from the start, so timer lateness does not add up over
          // the answer: the whole takes the configured delay, as a benchmark's latency L assumes.
          const wait = startedAt + (sent + 1) * pause - performance.now();
          if (wait > 0) await sleep(wait, undefined, { signal: options.signal });
        }
        options.signal?.throwIfAborted();
        options.onDelta?.(words[index]!);
        sent += 1;
      }
    }
    return {
      text,
      provider: 'offline',
      model: OFFLINE_MODEL,
      usage: {
        inputTokens: countWords(request.question),
        outputTokens: TEMPLATE_WORDS + askedWords.length + turnWords.length,
      },
    };
  }
}

/** What a model would have been given, so conversations can be tried without keys. */
function turnLine(request: AnswerRequest): string {
  const given = fittingHistory(request).length;
  return (
    `Turn ${request.turn ?? 1} of this conversation (${request.mode ?? 'explain'} mode); ` +
    `${given} earlier turn${given === 1 ? ' was' : 's were'} given as context.`
  );
}

const HEADER =
  '[OFFLINE DEMO — no language model was called. Set OPENAI_API_KEY or HF_TOKEN for real answers.]';
const STUDY_STEPS = [
  'How to study it, step by step:',
  '1. Restate the question in your own words and list the terms you need to define.',
  '2. Find the core concept behind it in your notes or textbook and write a one-line summary.',
  '3. Work through one small example, checking each step.',
  '4. Explain the answer aloud as if teaching a classmate; the gaps you notice are what to review.',
].join('\n');
/** The text's words, each with the whitespace after it: the pieces streamed. */
function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

const HEADER_WORDS = words(`${HEADER}\n\n`);
const STUDY_STEP_WORDS = words(STUDY_STEPS);
/** "Tokens" here are words: the template's own are counted once. */
const TEMPLATE_WORDS = HEADER_WORDS.length + STUDY_STEP_WORDS.length;

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
