import { setTimeout as sleep } from 'node:timers/promises';
import type {
  Answer,
  AnswerProvider,
  AnswerRequest,
  ProviderCallOptions,
} from '../domain/ports.js';
import { OFFLINE_TEXTS, offlineLanguage, type OfflineTexts } from './offline-texts.js';
import { fittingHistory } from './prompt.js';

export const OFFLINE_MODEL = 'offline-demo';

export interface OfflineProviderOptions {
  /** The whole answer takes this long, spread over its words (benchmarks' fixed latency). */
  delayMs?: number;
  /** Without `delayMs`: this many words a second (0 or absent: all at once). */
  wordsPerSecond?: number;
}

/**
 * The provider used when no LLM key is configured, so the service works with zero setup.
 * It calls no model and says so in every answer: its output is a study-plan template built from
 * the question, in the ask's language (offline-texts.ts), never something that could pass for a
 * model's answer.
 */
export class OfflineProvider implements AnswerProvider {
  readonly name = 'offline' as const;
  readonly defaultModel = OFFLINE_MODEL;

  constructor(private readonly options: OfflineProviderOptions = { delayMs: 0 }) {}

  /**
   * Streams its text word by word at its pace, so streaming and Stop show without keys; without
   * a pace (a benchmark's zero delay), all at once.
   */
  async answer(request: AnswerRequest, options: ProviderCallOptions = {}): Promise<Answer> {
    const texts = OFFLINE_TEXTS[offlineLanguage(request)];
    const template = TEMPLATES.get(texts)!;
    const about = [request.subject, request.level && texts.level(request.level)]
      .filter(Boolean)
      .join(', ');
    const asked = texts.asked(request.question, about);
    const turn = turnLine(request, texts);
    const text = `${texts.header}\n\n${turn}\n\n${asked}\n\n${texts.steps}`;
    const inputTokens = countWords(request.question);
    if (!this.paced()) {
      // All at once: with no pace to keep there is nothing to split into words.
      options.signal?.throwIfAborted();
      options.onDelta?.(text);
      const outputTokens = template.count + countWords(turn) + countWords(asked);
      return {
        text,
        provider: 'offline',
        model: OFFLINE_MODEL,
        usage: { inputTokens, outputTokens },
      };
    }
    // Every part starts with a word (the blank line after one trails its last word), so the
    // text's words are the parts' words in turn: only this request's two parts are split here.
    const turnWords = words(`${turn}\n\n`);
    const askedWords = words(`${asked}\n\n`);
    // The parts in turn, not one array spread from them (that copy was most of what an answer
    // allocated).
    const parts = [template.header, turnWords, askedWords, template.steps];
    const total = template.count + turnWords.length + askedWords.length;
    const pause = this.pause(total);
    const startedAt = pause > 0 ? performance.now() : 0;
    let sent = 0;
    for (let part = 0; part < parts.length; part++) {
      const words = parts[part]!;
      for (let index = 0; index < words.length; index++) {
        if (pause > 0) {
          // Each word at its own instant from the start, so timer lateness does not add up over
          // the answer: the whole takes the configured time, as a benchmark's latency L assumes.
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
      usage: { inputTokens, outputTokens: total },
    };
  }

  private paced(): boolean {
    const { delayMs, wordsPerSecond } = this.options;
    return delayMs !== undefined ? delayMs > 0 : Boolean(wordsPerSecond);
  }

  /** Milliseconds between two words. */
  private pause(words: number): number {
    const { delayMs, wordsPerSecond } = this.options;
    if (delayMs !== undefined) return delayMs / words;
    return wordsPerSecond ? 1000 / wordsPerSecond : 0;
  }
}

/** What a model would have been given, so conversations can be tried without keys. */
function turnLine(request: AnswerRequest, texts: OfflineTexts): string {
  const mode = request.mode ?? 'explain';
  return texts.turn(request.turn ?? 1, texts.modes[mode] ?? mode, fittingHistory(request).length);
}

/** The text's words, each with the whitespace after it: the pieces streamed. */
function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

/** Each language's fixed words, split once; "tokens" here are words. */
const TEMPLATES = new Map(
  Object.values(OFFLINE_TEXTS).map((texts) => {
    const header = words(`${texts.header}\n\n`);
    const steps = words(texts.steps);
    return [texts, { header, steps, count: header.length + steps.length }];
  }),
);

/** The words of `text` (runs of non-whitespace, as `\s` sees it), counted without splitting it. */
function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let index = 0; index < text.length; index++) {
    const space = isWhitespace(text.charCodeAt(index));
    if (!space && !inWord) count += 1;
    inWord = !space;
  }
  return count;
}

/** What `\s` matches (ECMAScript WhiteSpace and LineTerminator), by code unit. */
function isWhitespace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
