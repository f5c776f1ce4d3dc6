import { en, ptBR, type Messages } from './messages.js';

export const LANGUAGES = ['en', 'pt-BR'] as const;
export type Language = (typeof LANGUAGES)[number];
export type { Messages };

const catalogs: Record<Language, Messages> = { en, 'pt-BR': ptBR };

export function messagesFor(language: Language): Messages {
  return catalogs[language];
}

function normalize(tag: string | null | undefined): Language | undefined {
  if (!tag) return undefined;
  const lower = tag.toLowerCase();
  if (lower.startsWith('pt')) return 'pt-BR';
  if (lower.startsWith('en')) return 'en';
  return undefined;
}

/**
 * The interface language: `?lang=` forces it (a link can pin a language), then the one the student
 * chose with the switch, then the browser's preferences, English otherwise.
 */
export function pickLanguage(input: {
  query: string;
  chosen: string | null;
  browser: readonly string[];
}): Language {
  const forced = normalize(new URLSearchParams(input.query).get('lang'));
  if (forced) return forced;
  const chosen = normalize(input.chosen);
  if (chosen) return chosen;
  for (const tag of input.browser) {
    const language = normalize(tag);
    if (language) return language;
  }
  return 'en';
}
