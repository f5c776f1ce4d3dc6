import type { RefObject } from 'preact';
import { useState } from 'preact/hooks';
import { MODES, QUESTION_MAX_LENGTH, SUBJECT_MAX_LENGTH } from '../api/types.js';
import { formatNumber } from '../i18n/errors.js';
import type { AskSettings } from '../state/storage.js';
import { useMessages } from './hooks.js';

const LEVELS = ['middle school', 'high school', 'undergraduate', 'graduate'] as const;
type Level = (typeof LEVELS)[number];
/** Settings start open where there is room for them (the same breakpoint as the stylesheet's). */
const WIDE = '(min-width: 721px)';
const ANSWER_LANGUAGES = ['en', 'pt-BR', 'es'] as const;
/** The length counter shows from this share of the limit on. */
const COUNTER_FROM = 0.75;

interface Props {
  draft: string;
  busy: boolean;
  settings: AskSettings;
  box: RefObject<HTMLTextAreaElement | null>;
  onDraft: (draft: string) => void;
  onSettings: (settings: AskSettings) => void;
  /** Sends the draft; false when it was not sent. */
  onAsk: () => boolean;
  onStop: () => void;
  /** What is left of the day ("12 of 20 questions left today"), when there is a limit. */
  usage?: string | null;
}

/**
 * The question box, Stop and Ask right after it (one Tab away), then the ask settings. Enter
 * sends, Shift+Enter is a new line. The text lives in the store: a refusal or a Stop gives it back.
 */
export function Composer({
  draft,
  busy,
  settings,
  box,
  onDraft,
  onSettings,
  onAsk,
  onStop,
  usage,
}: Props) {
  const t = useMessages();
  const [settingsOpen, setSettingsOpen] = useState(() => matchMedia(WIDE).matches);
  const onToggle = (event: Event) => setSettingsOpen((event.target as HTMLDetailsElement).open);
  const length = draft.trim().length;
  const tooLong = length > QUESTION_MAX_LENGTH;
  const max = formatNumber(t, QUESTION_MAX_LENGTH);
  const counted = length >= QUESTION_MAX_LENGTH * COUNTER_FROM;

  const send = () => {
    if (!onAsk()) {
      box.current?.focus();
      return;
    }
    // On a phone the settings fold once a question is on its way: the answer needs the room.
    if (!matchMedia(WIDE).matches) setSettingsOpen(false);
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

  const described = [
    'question-hint',
    usage && 'question-usage',
    counted && 'question-count',
    tooLong && 'question-error',
  ];

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <div class="question-head">
        <label for="question" class="question-label">
          {t.yourQuestion}
        </label>
        {usage && (
          <p id="question-usage" class="usage">
            {usage}
          </p>
        )}
      </div>
      <textarea
        id="question"
        ref={box}
        rows={2}
        value={draft}
        placeholder={t.placeholder}
        aria-describedby={described.filter(Boolean).join(' ')}
        aria-invalid={tooLong ? 'true' : undefined}
        onInput={(event) => onDraft((event.target as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
      />
      <div class="send">
        <p id="question-hint" class="hint">
          {t.questionHint}
        </p>
        {counted && (
          <p id="question-count" class={tooLong ? 'count over' : 'count'}>
            {t.characters(formatNumber(t, length), max)}
          </p>
        )}
        {busy && (
          <button type="button" class="stop" onClick={onStop}>
            {t.stop}
          </button>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t.ask}
        </button>
      </div>
      {tooLong && (
        <p id="question-error" class="field-error">
          {t.tooLong(max)}
        </p>
      )}
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
              maxLength={SUBJECT_MAX_LENGTH}
              onInput={change('subject')}
            />
            <datalist id="subjects">
              {t.subjects.map((subject) => (
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
    </form>
  );
}
