/**
 * What the browser keeps between visits: the ask settings and the interface language (in
 * `localStorage`: choices about the page, nothing of the student's), and the open conversation
 * (in `sessionStorage`: this tab only, like the guest's token it belongs to). Content and the
 * conversation list always come from the API; credentials are auth/tokens.ts's. Storage can be
 * unavailable (private modes, quotas): the page then simply forgets.
 */
import type { Mode } from '../api/types.js';
import { readStored, writeStored } from './web-storage.js';

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

export const storage = {
  current: () => readStored<string>('sessionStorage', KEYS.current) ?? null,
  setCurrent: (id: string | null) => writeStored('sessionStorage', KEYS.current, id),
  settings: () => readStored<Partial<AskSettings>>('localStorage', KEYS.settings) ?? {},
  setSettings: (settings: AskSettings) => writeStored('localStorage', KEYS.settings, settings),
  language: () => readStored<string>('localStorage', KEYS.language) ?? null,
  setLanguage: (language: string) => writeStored('localStorage', KEYS.language, language),
  /**
   * Forgets everything of the student this browser kept (sign-out, "Delete my data"): the open
   * conversation, and the id list an earlier version of the page kept in `localStorage`.
   */
  forgetStudent(): void {
    writeStored('sessionStorage', KEYS.current, null);
    writeStored('localStorage', KEYS.legacyList, null);
  },
};
