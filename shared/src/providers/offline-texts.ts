/**
 * The offline demo provider's words, per language: the language the ask names (`language`), else
 * the one its question looks written in, else English. The English texts are the ones the tests
 * and docs quote ("OFFLINE DEMO", "How to study it, step by step").
 */
import type { AnswerRequest } from '../domain/ports.js';

export type OfflineLanguage = 'en' | 'pt' | 'es';

export interface OfflineTexts {
  header: string;
  steps: string;
  asked(question: string, about: string): string;
  turn(turn: number, mode: string, given: number): string;
  level(level: string): string;
  modes: Record<string, string>;
}

const en: OfflineTexts = {
  header:
    '[OFFLINE DEMO — no language model was called. Set OPENAI_API_KEY or HF_TOKEN for real answers.]',
  steps: [
    'How to study it, step by step:',
    '1. Restate the question in your own words and list the terms you need to define.',
    '2. Find the core concept behind it in your notes or textbook and write a one-line summary.',
    '3. Work through one small example, checking each step.',
    '4. Explain the answer aloud as if teaching a classmate; the gaps you notice are what to review.',
  ].join('\n'),
  asked: (question, about) => `Your question${about ? ` (${about})` : ''}: "${question}"`,
  turn: (turn, mode, given) =>
    `Turn ${turn} of this conversation (${mode} mode); ` +
    `${given} earlier turn${given === 1 ? ' was' : 's were'} given as context.`,
  level: (level) => `${level} level`,
  modes: { explain: 'explain', tutor: 'tutor', quiz: 'quiz' },
};

const pt: OfflineTexts = {
  header:
    '[DEMONSTRAÇÃO OFFLINE — nenhum modelo de linguagem foi chamado. Defina OPENAI_API_KEY ou HF_TOKEN para respostas reais.]',
  steps: [
    'Como estudar, passo a passo:',
    '1. Reescreva a pergunta com suas palavras e liste os termos que precisa definir.',
    '2. Encontre o conceito central nas suas anotações ou no livro e resuma-o em uma linha.',
    '3. Resolva um exemplo pequeno, conferindo cada passo.',
    '4. Explique a resposta em voz alta como se ensinasse um colega; as lacunas que notar são o que revisar.',
  ].join('\n'),
  asked: (question, about) => `Sua pergunta${about ? ` (${about})` : ''}: "${question}"`,
  turn: (turn, mode, given) =>
    `Turno ${turn} desta conversa (modo ${mode}); ` +
    `${given} turno${given === 1 ? ' anterior foi dado' : 's anteriores foram dados'} como contexto.`,
  level: (level) => `nível ${level}`,
  modes: { explain: 'explicar', tutor: 'tutor', quiz: 'quiz' },
};

const es: OfflineTexts = {
  header:
    '[DEMOSTRACIÓN SIN CONEXIÓN — no se llamó a ningún modelo de lenguaje. Define OPENAI_API_KEY o HF_TOKEN para respuestas reales.]',
  steps: [
    'Cómo estudiarlo, paso a paso:',
    '1. Reformula la pregunta con tus palabras y anota los términos que necesitas definir.',
    '2. Busca el concepto central en tus apuntes o en el libro y resúmelo en una línea.',
    '3. Resuelve un ejemplo pequeño, comprobando cada paso.',
    '4. Explica la respuesta en voz alta como si enseñaras a un compañero; las lagunas que notes son lo que debes repasar.',
  ].join('\n'),
  asked: (question, about) => `Tu pregunta${about ? ` (${about})` : ''}: "${question}"`,
  turn: (turn, mode, given) =>
    `Turno ${turn} de esta conversación (modo ${mode}); ` +
    `${given} turno${given === 1 ? ' anterior se dio' : 's anteriores se dieron'} como contexto.`,
  level: (level) => `nivel ${level}`,
  modes: { explain: 'explicar', tutor: 'tutor', quiz: 'cuestionario' },
};

export const OFFLINE_TEXTS: Record<OfflineLanguage, OfflineTexts> = { en, pt, es };

/** `language` as the ask gives it: a tag ("pt-BR") or a name ("Portuguese", "português"). */
function named(language: string | undefined): OfflineLanguage | undefined {
  const lower = language?.trim().toLowerCase();
  if (!lower) return undefined;
  if (/^(pt|por)\b|^portugu/.test(lower)) return 'pt';
  if (/^(es|spa)\b|^(spanish|espa[nñ]ol|castellano)/.test(lower)) return 'es';
  if (/^(en|eng)\b|^(english|ingl[eê]s)/.test(lower)) return 'en';
  return undefined;
}

/** Short words that mark each language (words shared by two count for both). */
const MARKERS: Record<OfflineLanguage, ReadonlySet<string>> = {
  en: new Set(
    'the is are what why how does do of and to in on a an it this that explain'.split(' '),
  ),
  pt: new Set(
    'o os as é são que não por porque qual quais como do da dos das no na em um uma para com você isso também explique'.split(
      ' ',
    ),
  ),
  es: new Set(
    'el la los las es son qué que no por porque cuál cómo del en un una para con tú eso también explica'.split(
      ' ',
    ),
  ),
};

/**
 * A guess at the question's language from its marker words and letters (ã, õ, ç mark Portuguese;
 * ñ, ¿, ¡ Spanish); English when nothing stands out. A demo's heuristic, not a language detector.
 */
function guessed(question: string): OfflineLanguage {
  const lower = question.toLowerCase();
  const words = lower.match(/[\p{L}]+/gu) ?? [];
  const score: Record<OfflineLanguage, number> = { en: 0, pt: 0, es: 0 };
  for (const word of words) {
    for (const language of ['en', 'pt', 'es'] as const) {
      if (MARKERS[language].has(word)) score[language] += 1;
    }
  }
  score.pt += 2 * (lower.match(/[ãõç]/g)?.length ?? 0);
  score.es += 2 * (lower.match(/[ñ¿¡]/g)?.length ?? 0);
  const best = (['pt', 'es'] as const).reduce((a, b) => (score[b] > score[a] ? b : a));
  return score[best] > score.en ? best : 'en';
}

export function offlineLanguage(request: Pick<AnswerRequest, 'language' | 'question'>) {
  return named(request.language ?? undefined) ?? guessed(request.question);
}
