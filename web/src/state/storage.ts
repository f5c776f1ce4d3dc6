/**
 * What the browser keeps between visits: the ids (and titles) of the student's conversations, the
 * open one, the ask settings and the interface language. Content always comes from the API.
 * Storage can be unavailable (private modes, quotas): the page then simply forgets.
 */
import type { Mode } from '../api/types.js';

export interface SavedConversation {
  id: string;
  title: string;
  updatedAt: string;
}

export interface AskSettings {
  subject: string;
  level: string;
  mode: Mode;
  language: string;
}

const KEYS = {
  conversations: 'iscoolgpt.conversations',
  current: 'iscoolgpt.currentConversation',
  settings: 'iscoolgpt.settings',
  language: 'iscoolgpt.language',
} as const;

function read<T>(key: string): T | undefined {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  } catch {
    return undefined;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === undefined || value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage is full or disabled: nothing to do but forget.
  }
}

export const storage = {
  conversations(): SavedConversation[] {
    const list = read<SavedConversation[]>(KEYS.conversations);
    return Array.isArray(list)
      ? list.filter((c) => typeof c?.id === 'string' && typeof c.title === 'string')
      : [];
  },
  setConversations: (list: SavedConversation[]) => write(KEYS.conversations, list),
  current: () => read<string>(KEYS.current) ?? null,
  setCurrent: (id: string | null) => write(KEYS.current, id),
  settings: () => read<Partial<AskSettings>>(KEYS.settings) ?? {},
  setSettings: (settings: AskSettings) => write(KEYS.settings, settings),
  language: () => read<string>(KEYS.language) ?? null,
  setLanguage: (language: string) => write(KEYS.language, language),
};
