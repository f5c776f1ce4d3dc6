import { hash } from 'node:crypto';
import type { JobRecord } from './job.js';

/**
 * Which asks the answer cache may serve, and the key an answer is kept under. Exact match only,
 * on a normalized question: two questions that read the same to a student share a key, two that
 * differ in a number, a sign or a formula never do.
 */

/** What, besides the ask itself, decides the answer: the same in every process of a deployment. */
export interface AnswerKeyContext {
  /** Digest of the prompts the model is sent (providers/prompt-version.ts): a new prompt, new keys. */
  promptVersion: string;
  /** The output cap of every provider call (LLM_MAX_OUTPUT_TOKENS); null when there is none. */
  maxOutputTokens: number | null;
  /**
   * The providers and default models an ask that names none is answered by (e.g.
   * `openai:gpt-4o-mini`), so that changing the default model changes the keys of such asks.
   */
  defaults: string;
}

/** The fields of a job its answer depends on. */
export type KeyedJob = Pick<
  JobRecord,
  | 'question'
  | 'subject'
  | 'level'
  | 'language'
  | 'mode'
  | 'turn'
  | 'requestedProvider'
  | 'requestedModel'
>;

/**
 * Only a conversation's first turn in `explain` mode: a follow-up's answer depends on its thread
 * (and would leak it), and tutor and quiz answers are a dialogue with one student.
 */
export function isCacheable(job: Pick<JobRecord, 'turn' | 'mode'>): boolean {
  return job.turn === 1 && job.mode === 'explain';
}

/**
 * Math kept exactly as written: `$…$`, `$$…$$`, `\(…\)`, `\[…\]` and `` `code` `` spans are
 * neither case-folded nor re-spaced (in them, `X` and `x` are different variables).
 */
const VERBATIM = /(\$\$[\s\S]*?\$\$|\$[^$\n]*?\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]|`[^`\n]*`)/;

/** Full case foldings that lower-casing misses (Unicode CaseFolding.txt, status F and C). */
const FOLDINGS: Record<string, string> = { ß: 'ss', ẞ: 'ss', ς: 'σ' };

/**
 * Text as the key sees it: Unicode NFC (composed and decomposed accents are one letter; no
 * compatibility folding, so `x²` stays apart from `x2`), trimmed, runs of whitespace as one
 * space, case-folded. Digits, signs, operators and math spans are kept exactly.
 */
export function normalizeText(text: string): string {
  const composed = text.normalize('NFC').trim();
  // Most questions hold no math or code span: folded whole, without the split.
  if (!MAY_HOLD_VERBATIM.test(composed)) return foldProse(composed);
  return composed
    .split(VERBATIM)
    .map((part, index) => (index % 2 === 1 ? part : foldProse(part)))
    .join('');
}

/** Every verbatim span starts with one of these characters. */
const MAY_HOLD_VERBATIM = /[$`\\]/;

function foldProse(part: string): string {
  // Each replace only where it changes something: most questions are spaced once and have none
  // of the special foldings (the replaces were most of a key's cost).
  const spaced = NEEDS_SPACING.test(part) ? part.replace(/\s+/g, ' ') : part;
  const lower = spaced.toLowerCase();
  return SPECIAL_FOLDINGS.test(lower) ? lower.replace(/[ßẞς]/g, foldLetter) : lower;
}

/** Whitespace that is not a plain space, or two spaces in a row. */
const NEEDS_SPACING = /[^\S ]| {2}/;
const SPECIAL_FOLDINGS = /[ßẞς]/;

function foldLetter(letter: string): string {
  return FOLDINGS[letter] ?? letter;
}

/** The key of a cacheable job's answer: a SHA-256 of everything the answer depends on. */
export function answerKey(job: KeyedJob, context: AnswerKeyContext): string {
  const material = JSON.stringify([
    'answer/1',
    normalizeText(job.question),
    normalizeOptional(job.subject),
    normalizeOptional(job.level),
    normalizeOptional(job.language),
    job.mode,
    job.requestedProvider,
    // Model names are identifiers: kept as given.
    job.requestedModel,
    context.defaults,
    context.maxOutputTokens,
    context.promptVersion,
  ]);
  // The one-shot hash: a Hash object per key was a visible part of an ask's CPU (profile).
  return hash('sha256', material, 'hex');
}

function normalizeOptional(value: string | null): string | null {
  return value === null ? null : normalizeText(value);
}
