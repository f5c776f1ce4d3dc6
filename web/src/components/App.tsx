import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { MODES, type Mode } from '../api/types.js';
import { errorText, formatNumber } from '../i18n/errors.js';
import { messagesFor, type Language, type Messages } from '../i18n/index.js';
import type { Page } from '../state/account.js';
import type { ConversationSummary } from '../state/list.js';
import { storage, type AskSettings } from '../state/storage.js';
import { questionsLeft } from '../state/usage.js';
import { isBusy, type Turn } from '../state/turn.js';
import { Account } from './Account.js';
import { Composer } from './Composer.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { EmptyState } from './EmptyState.js';
import { Header } from './Header.js';
import {
  AnnounceContext,
  MessagesContext,
  useOnline,
  useShortcuts,
  useStoreState,
} from './hooks.js';
import { SignInNotice } from './SignInNotice.js';
import { Sidebar } from './Sidebar.js';
import { TurnView } from './TurnView.js';
import { useFollowScroll } from './scroll.js';

function initialSettings(language: Language): AskSettings {
  const saved = storage.settings();
  return {
    subject: typeof saved.subject === 'string' ? saved.subject : '',
    level: typeof saved.level === 'string' ? saved.level : 'high school',
    mode: MODES.includes(saved.mode as Mode) ? (saved.mode as Mode) : 'explain',
    language: typeof saved.language === 'string' ? saved.language : language,
  };
}

/** What the status region says when a turn's answer has ended. */
function ended(t: Messages, turn: Turn): string {
  if (turn.phase === 'done') return t.answerReady;
  if (turn.phase === 'stopped') return t.stoppedAnnounce;
  return t.failedAnnounce(errorText(t, turn.error));
}

export function App({ page, language: initial }: { page: Page; language: Language }) {
  const { store, list, session, usage } = page;
  const [language, setLanguage] = useState(initial);
  const [settings, setSettings] = useState(() => initialSettings(initial));
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [deleting, setDeleting] = useState<ConversationSummary | null>(null);
  const [status, setStatus] = useState('');
  const state = useStoreState(store);
  const conversations = useStoreState(list);
  const signIn = useStoreState(session);
  const left = questionsLeft(useStoreState(usage));
  const t = messagesFor(language);
  const busy = state.turns.some(isBusy);
  const online = useOnline();
  const box = useRef<HTMLTextAreaElement>(null);
  const composer = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  useFollowScroll(state.turns.length);
  const stop = useCallback(() => {
    store.stop();
    box.current?.focus();
  }, [store]);
  useShortcuts(box, busy ? stop : null);

  // One status region: "writing…" once when an answer starts, then how it ended; the transcript
  // itself is not live (it would be read again at every delta).
  const last = state.turns.at(-1);
  const live = useRef<string | null>(null);
  useEffect(() => {
    if (!last) return;
    if (isBusy(last)) {
      if (live.current !== last.key) setStatus(t.writing);
      live.current = last.key;
      return;
    }
    if (live.current !== last.key) return;
    live.current = null;
    setStatus(ended(t, last));
    // An answer (or a refusal) changed what is left of the day.
    void usage.refresh();
    // The answer ended: back to the question box, unless the student has gone somewhere else.
    const active = document.activeElement;
    if (!active || active === document.body || composer.current?.contains(active)) {
      box.current?.focus();
    }
  }, [last?.key, last?.phase]);
  useEffect(() => {
    if (!online) setStatus(t.offline);
  }, [online]);
  useEffect(() => {
    if (state.notice?.kind === 'loadFailed') setStatus(t.loadFailed);
    else if (state.notice?.kind === 'gone') setStatus(t.gone);
  }, [state.notice]);

  const chooseLanguage = (next: Language) => {
    setLanguage(next);
    storage.setLanguage(next);
  };
  const changeSettings = (next: AskSettings) => {
    setSettings(next);
    storage.setSettings(next);
  };

  /** Deletes after the dialog's yes; focus goes to the next conversation, else the question box. */
  const confirmDelete = async (conversation: ConversationSummary) => {
    const { items } = conversations;
    const index = items.findIndex((c) => c.id === conversation.id);
    const next = items[index + 1] ?? items[index - 1];
    setDeleting(null);
    try {
      await store.remove(conversation.id);
    } catch {
      setStatus(t.errors.network);
      return;
    }
    setStatus(t.deleted);
    const target = next && document.querySelector<HTMLElement>(`[data-conversation="${next.id}"]`);
    (target ?? box.current)?.focus();
  };

  return (
    <MessagesContext.Provider value={t}>
      <AnnounceContext.Provider value={setStatus}>
        <a class="skip-link" href="#question">
          {t.skipToQuestion}
        </a>
        <div class="layout">
          <Header
            language={language}
            sidebarOpen={sidebarOpen}
            onToggleSidebar={() => setSidebarOpen(!sidebarOpen)}
            onNewConversation={() => {
              store.newConversation();
              setSidebarOpen(false);
              box.current?.focus();
            }}
            onLanguage={chooseLanguage}
            account={<Account page={page} session={signIn} />}
          />
          <Sidebar
            list={conversations}
            current={state.conversationId}
            open={sidebarOpen}
            onOpen={(id) => {
              setSidebarOpen(false);
              void store.open(id);
            }}
            onDelete={setDeleting}
            onMore={() => void list.more()}
            onRetry={() => void list.reload()}
          />
          <main class="conversation">
            {!online && <p class="banner">{t.offline}</p>}
            <SignInNotice session={signIn} onDismiss={() => session.clearNotice()} />
            {state.notice && (
              <div class="notice">
                <p>{state.notice.kind === 'loadFailed' ? t.loadFailed : t.gone}</p>
                {state.notice.kind === 'loadFailed' && (
                  <button type="button" onClick={() => void store.reload()}>
                    {t.retry}
                  </button>
                )}
              </div>
            )}
            {state.turns.length === 0 && !state.loading && (
              <EmptyState
                mode={settings.mode}
                onExample={(question) => {
                  store.setDraft(question);
                  box.current?.focus();
                }}
              />
            )}
            <section class="log" aria-label={t.answers}>
              <ol class="turns">
                {state.turns.map((turn) => (
                  <TurnView
                    key={turn.key}
                    turn={turn}
                    last={turn === last}
                    onRetry={(key) => store.retry(key)}
                    onContinue={() => store.ask(settings, t.continueQuestion)}
                    onRate={(key, rating, comment) => store.rate(key, rating, comment)}
                  />
                ))}
              </ol>
            </section>
            <div ref={composer} class="composer-dock">
              <Composer
                draft={state.draft}
                busy={busy}
                settings={settings}
                box={box}
                onDraft={(draft) => store.setDraft(draft)}
                onSettings={changeSettings}
                onAsk={() => store.ask(settings)}
                usage={
                  left && t.questionsLeft(formatNumber(t, left.left), formatNumber(t, left.limit))
                }
                onStop={stop}
              />
            </div>
          </main>
        </div>
        <p class="visually-hidden" role="status">
          {status}
        </p>
        {deleting && (
          <ConfirmDialog
            title={t.deleteTitle}
            text={t.deleteText(deleting.title || t.untitled)}
            confirm={t.deleteConfirm}
            onConfirm={() => void confirmDelete(deleting)}
            onCancel={() => setDeleting(null)}
            returnFocus={() =>
              document.querySelector<HTMLElement>(`[data-delete-conversation="${deleting.id}"]`)
            }
          />
        )}
      </AnnounceContext.Provider>
    </MessagesContext.Provider>
  );
}
