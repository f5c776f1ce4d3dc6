import type { ComponentChildren } from 'preact';
import { LANGUAGES, type Language } from '../i18n/index.js';
import { useMessages } from './hooks.js';

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'pt-BR': 'Português' };

interface Props {
  language: Language;
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
  onNewConversation: () => void;
  onLanguage: (language: Language) => void;
  /** Who the page acts as: sign-in and the account menu (Account.tsx). */
  account: ComponentChildren;
}

/** The title, the conversation tools, the account and the interface language. */
export function Header(props: Props) {
  const t = useMessages();
  return (
    <header class="top">
      <div class="brand">
        <h1>{t.appTitle}</h1>
        <span class="tagline">{t.tagline}</span>
      </div>
      <div class="tools">
        <button
          type="button"
          class="toggle-sidebar"
          aria-expanded={props.sidebarOpen}
          aria-controls="conversations"
          onClick={props.onToggleSidebar}
        >
          {t.conversations}
        </button>
        <button type="button" onClick={props.onNewConversation}>
          {t.newConversation}
        </button>
        {props.account}
      </div>
      <label class="language">
        <span class="visually-hidden">{t.interfaceLanguage}</span>
        <select
          value={props.language}
          onChange={(event) =>
            props.onLanguage((event.target as HTMLSelectElement).value as Language)
          }
        >
          {LANGUAGES.map((code) => (
            <option key={code} value={code} lang={code}>
              {LANGUAGE_NAMES[code]}
            </option>
          ))}
        </select>
      </label>
    </header>
  );
}
