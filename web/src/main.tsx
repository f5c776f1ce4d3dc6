/**
 * Entry point: take a sign-in's answer out of the address bar, pick the language, render at once,
 * then learn who the page acts as (a guest, or a signed-in student) before any API call goes
 * out; then the conversation list, what is left of the day, and the conversation that was open
 * in this tab.
 */
import 'katex/dist/katex.min.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/conversation.css';
import './styles/answer-content.css';
import './styles/composer.css';
import './styles/account.css';
import './styles/print.css';
import { render } from 'preact';
import { useCredentials } from './api/fetch.js';
import { takeCallback } from './auth/oidc.js';
import { Session } from './auth/session.js';
import { App } from './components/App.js';
import { pickLanguage } from './i18n/index.js';
import { ConversationStore } from './state/conversation.js';
import { ConversationList } from './state/list.js';
import { storage } from './state/storage.js';
import { UsageStore } from './state/usage.js';

// First, before anything can read or report the address: a code never stays in it.
const callback = takeCallback();
const language = pickLanguage({
  query: location.search,
  chosen: storage.language(),
  browser: navigator.languages ?? [navigator.language],
});
document.documentElement.lang = language;

const session = new Session();
useCredentials(session);
const list = new ConversationList();
const store = new ConversationStore(list);
const usage = new UsageStore();
render(
  <App page={{ session, store, list, usage }} language={language} />,
  document.getElementById('app')!,
);
void session.start(callback).then((staying) => {
  if (!staying) return;
  void list.reload();
  void usage.refresh();
  void store.restore();
});
