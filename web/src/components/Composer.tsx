import { useRef, useState } from 'preact/hooks';
import { MODES } from '../api/types.js';
import type { AskSettings } from '../state/storage.js';
import { useMessages } from './hooks.js';

const LEVELS = ['middle school', 'high school', 'undergraduate', 'graduate'] as const;
type Level = (typeof LEVELS)[number];
/** Settings start open where there is room for them (the same breakpoint as the stylesheet's). */
const WIDE = '(min-width: 721px)';
const ANSWER_LANGUAGES = ['en', 'pt-BR', 'es'] as const;
const SUBJECTS = ['math', 'physics', 'chemistry', 'biology', 'history', 'programming'];

interface Props {
  busy: boolean;
  settings: AskSettings;
  onSettings: (settings: AskSettings) => void;
  onAsk: (question: string) => void;
  onStop: () => void;
}

/** The question box and the ask settings. Enter sends, Shift+Enter is a new line. */
export function Composer({ busy, settings, onSettings, onAsk, onStop }: Props) {
  const t = useMessages();
  const [question, setQuestion] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  const [settingsOpen, setSettingsOpen] = useState(() => matchMedia(WIDE).matches);
  const onToggle = (event: Event) => setSettingsOpen((event.target as HTMLDetailsElement).open);

  const send = () => {
    if (busy || !question.trim()) return;
    onAsk(question);
    setQuestion('');
    box.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  };

  const change =
    <K extends keyof AskSettings>(key: K) =>
    (event: Event) =>
      onSettings({ ...settings, [key]: (event.target as HTMLInputElement).value });

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label for="question" class="question-label">
        {t.yourQuestion}
      </label>
      <textarea
        id="question"
        ref={box}
        rows={2}
        value={question}
        placeholder={t.placeholder}
        aria-describedby="question-hint"
        onInput={(event) => setQuestion((event.target as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
      />
      <p id="question-hint" class="hint">
        {t.questionHint}
      </p>
      <details class="settings-panel" open={settingsOpen} onToggle={onToggle}>
        <summary>
          {t.settings}
          <span class="settings-summary" aria-hidden="true">
            {' · '}
            {[settings.subject.trim(), t.levels[settings.level as Level], t.modes[settings.mode]]
              .filter(Boolean)
              .join(' · ')}
          </span>
        </summary>
        <fieldset class="settings">
          <legend class="visually-hidden">{t.settings}</legend>
          <label>
            <span>{t.subject}</span>
            <input
              list="subjects"
              value={settings.subject}
              placeholder={t.subjectPlaceholder}
              maxLength={100}
              onInput={change('subject')}
            />
            <datalist id="subjects">
              {SUBJECTS.map((subject) => (
                <option key={subject} value={subject} />
              ))}
            </datalist>
          </label>
          <label>
            <span>{t.level}</span>
            <select value={settings.level} onChange={change('level')}>
              {LEVELS.map((level) => (
                <option key={level} value={level}>
                  {t.levels[level]}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t.mode}</span>
            <select value={settings.mode} onChange={change('mode')}>
              {MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {t.modes[mode]}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t.answerLanguage}</span>
            <select value={settings.language} onChange={change('language')}>
              {ANSWER_LANGUAGES.map((language) => (
                <option key={language} value={language}>
                  {t.answerLanguages[language]}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
      </details>
      <div class="send">
        {busy && (
          <button type="button" class="stop" onClick={onStop}>
            {t.stop}
          </button>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t.ask}
        </button>
      </div>
    </form>
  );
}
