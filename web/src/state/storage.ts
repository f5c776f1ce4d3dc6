/**
 * What the browser keeps between visits: the ask settings and the interface language (in
 * `localStorage`: choices about the page, nothing of the student's), and the open conversation
 * (in `sessionStorage`: this tab only, like the guest's token it belongs to). Content and the
 * conversation list always come from the API; credentials are auth/tokens.ts's. Storage can be
 * unavailable (private modes, quotas): the page then simply forgets.
 */
import type { Mode } from '../api/types.js';

export interface AskSettings {
  subject: string;
  level: string;
  mode: Mode;
  language: string;
}

const KEYS = {
  current: 'iscoolgpt.currentConversation',
  settings: 'iscoolgpt.settings',
  language: 'iscoolgpt.language',
  /** Where the list of conversation ids was kept before it came from the API: removed. */
  legacyList: 'iscoolgpt.conversations',
} as const;

type Area = 'localStorage' | 'sessionStorage';

function read<T>(area: Area, key: string): T | undefined {
  try {
    const raw = window[area].getItem(key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  } catch {
    return undefined;
  }
}

function write(area: Area, key: string, value: unknown): void {
  try {
    if (value === undefined || value === null) window[area].removeItem(key);
    else window[area].setItem(key, JSON.stringify(value));
  } catch {
    // Storage is full or disabled: nothing to do but forget.
  }
}

export const storage = {
  current: () => read<string>('sessionStorage', KEYS.current) ?? null,
  setCurrent: (id: string | null) => write('sessionStorage', KEYS.current, id),
  settings: () => read<Partial<AskSettings>>('localStorage', KEYS.settings) ?? {},
  setSettings: (settings: AskSettings) => write('localStorage', KEYS.settings, settings),
  language: () => read<string>('localStorage', KEYS.language) ?? null,
  setLanguage: (language: string) => write('localStorage', KEYS.language, language),
  /**
   * Forgets everything of the student this browser kept (sign-out, "Delete my data"): the open
   * conversation, and the id list an earlier version of the page kept in `localStorage`.
   */
  forgetStudent(): void {
    write('sessionStorage', KEYS.current, null);
    write('localStorage', KEYS.legacyList, null);
  },
};
