/** Entry point: pick the language, render at once (no API call first), then restore the open conversation. */
import 'katex/dist/katex.min.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/conversation.css';
import './styles/answer-content.css';
import './styles/composer.css';
import './styles/print.css';
import { render } from 'preact';
import { App } from './components/App.js';
import { pickLanguage } from './i18n/index.js';
import { ConversationStore } from './state/conversation.js';
import { storage } from './state/storage.js';

const language = pickLanguage({
  query: location.search,
  chosen: storage.language(),
  browser: navigator.languages ?? [navigator.language],
});
document.documentElement.lang = language;

const store = new ConversationStore();
render(<App store={store} language={language} />, document.getElementById('app')!);
void store.restore();
