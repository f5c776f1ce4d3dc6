import { useEffect, useRef, useState } from 'preact/hooks';
import { MODES, type Mode } from '../api/types.js';
import { LANGUAGES, messagesFor, type Language } from '../i18n/index.js';
import type { ConversationStore } from '../state/conversation.js';
import { storage, type AskSettings } from '../state/storage.js';
import { isBusy } from '../state/turn.js';
import { Composer } from './Composer.js';
import { MessagesContext, useStoreState } from './hooks.js';
import { Sidebar } from './Sidebar.js';
import { TurnView } from './TurnView.js';

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'pt-BR': 'Português' };

function initialSettings(language: Language): AskSettings {
  const saved = storage.settings();
  return {
    subject: typeof saved.subject === 'string' ? saved.subject : '',
    level: typeof saved.level === 'string' ? saved.level : 'high school',
    mode: MODES.includes(saved.mode as Mode) ? (saved.mode as Mode) : 'explain',
    language: typeof saved.language === 'string' ? saved.language : language,
  };
}

export function App({
  store,
  language: initial,
}: {
  store: ConversationStore;
  language: Language;
}) {
  const [language, setLanguage] = useState(initial);
  const [settings, setSettings] = useState(() => initialSettings(initial));
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const state = useStoreState(store);
  const t = messagesFor(language);
  const busy = state.turns.some(isBusy);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  // Follow the answer as it grows while the student is at the bottom; leave them be when they
  // scrolled up to read something else. A new question always brings the view down.
  const atBottom = useRef(true);
  const turnCount = useRef(0);
  useEffect(() => {
    const onScroll = () => {
      const page = document.documentElement;
      atBottom.current = page.scrollHeight - (page.scrollTop + page.clientHeight) < 80;
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);
  useEffect(() => {
    const added = state.turns.length > turnCount.current;
    turnCount.current = state.turns.length;
    if (added || atBottom.current) {
      window.scrollTo({ top: document.documentElement.scrollHeight });
      atBottom.current = true;
    }
  });

  const chooseLanguage = (next: Language) => {
    setLanguage(next);
    storage.setLanguage(next);
  };
  const changeSettings = (next: AskSettings) => {
    setSettings(next);
    storage.setSettings(next);
  };

  return (
    <MessagesContext.Provider value={t}>
      <div class="layout">
        <header class="top">
          <div class="brand">
            <h1>{t.appTitle}</h1>
            <span class="tagline">{t.tagline}</span>
          </div>
          <div class="tools">
            <button
              type="button"
              class="toggle-sidebar"
              aria-expanded={sidebarOpen}
              aria-controls="conversations"
              onClick={() => setSidebarOpen(!sidebarOpen)}
            >
              {t.conversations}
            </button>
            <button
              type="button"
              onClick={() => {
                store.newConversation();
                setSidebarOpen(false);
              }}
            >
              {t.newConversation}
            </button>
          </div>
          <label class="language">
            <span class="visually-hidden">{t.interfaceLanguage}</span>
            <select
              value={language}
              onChange={(event) =>
                chooseLanguage((event.target as HTMLSelectElement).value as Language)
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
        <Sidebar
          saved={state.saved}
          current={state.conversationId}
          open={sidebarOpen}
          onOpen={(id) => {
            setSidebarOpen(false);
            void store.open(id);
          }}
          onDelete={(id) => void store.remove(id)}
        />
        <main class="conversation">
          {state.notice && (
            <p class="notice" role="status">
              {t[state.notice]}
            </p>
          )}
          {state.turns.length === 0 && !state.loading && <p class="empty">{t.empty}</p>}
          <section class="log" role="log" aria-label={t.answers} aria-live="polite">
            <ol class="turns">
              {state.turns.map((turn) => (
                <TurnView key={turn.key} turn={turn} store={store} />
              ))}
            </ol>
          </section>
          <Composer
            busy={busy}
            settings={settings}
            onSettings={changeSettings}
            onAsk={(question) => store.ask(question, settings)}
            onStop={() => store.stop()}
          />
        </main>
      </div>
    </MessagesContext.Provider>
  );
}
