import { useMemo, useState } from 'preact/hooks';
import type { Rating } from '../api/types.js';
import { errorText } from '../i18n/errors.js';
import { renderAnswer } from '../render/answer.js';
import { plainText } from '../render/plain-text.js';
import { isBusy, type Turn } from '../state/turn.js';
import { Feedback } from './Feedback.js';
import { useMessages } from './hooks.js';

const COPIED_FOR_MS = 1500;
/** A BCP 47 tag ("pt-BR", "en"); an answer language given as a name ("English") sets no `lang`. */
const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

interface Props {
  turn: Turn;
  /** The conversation's last turn: only it offers Continue. */
  last: boolean;
  onRetry: (key: string) => void;
  onContinue: () => void;
  onRate: (key: string, rating: Rating, comment?: string) => Promise<boolean>;
}

/** One turn: the student's question, then the answer as an article (busy while it streams). */
export function TurnView({ turn, last, onRetry, onContinue, onRate }: Props) {
  const t = useMessages();
  const html = useMemo(
    () => renderAnswer(turn.text, { copyCode: t.copyCode }),
    [turn.text, t.copyCode],
  );
  const [copied, setCopied] = useState(false);
  const busy = isBusy(turn);
  const language = turn.body.language;
  const lang = language && LANGUAGE_TAG.test(language) ? language : undefined;

  // The copy buttons of code blocks are part of the rendered HTML: one listener serves them all.
  const onAnswerClick = async (event: MouseEvent) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('[data-copy-code]');
    const code = button?.closest('.code-block')?.querySelector('code');
    if (!button || !code) return;
    if (await copyText(code.textContent ?? '')) {
      button.textContent = t.copied;
      setTimeout(() => (button.textContent = t.copyCode), COPIED_FOR_MS);
    }
  };

  const onCopyAnswer = async () => {
    if (await copyText(plainText(turn.text))) {
      setCopied(true);
      setTimeout(() => setCopied(false), COPIED_FOR_MS);
    }
  };

  return (
    <li class="turn">
      <div class="question">
        <span class="visually-hidden">{t.you}: </span>
        {turn.question}
      </div>
      <article
        class={`answer phase-${turn.phase}`}
        aria-busy={busy ? 'true' : 'false'}
        data-job-id={turn.jobId ?? undefined}
      >
        {turn.provider === 'offline' && <p class="note">{t.offlineDemo}</p>}
        {turn.text && (
          <div
            class="markdown"
            lang={lang}
            onClick={onAnswerClick}
            dangerouslySetInnerHTML={{ __html: html }}
          />
        )}
        {turn.phase === 'waiting' && (
          <p class="status">
            <span class="dots" aria-hidden="true" /> {t.waiting}
          </p>
        )}
        {busy && turn.reconnecting && <p class="status warn">{t.reconnecting}</p>}
        {turn.phase === 'stopped' && (
          <div class="actions">
            <p class="status warn">{t.stopped}</p>
            {last && turn.jobId && (
              <button type="button" onClick={onContinue}>
                {t.continue}
              </button>
            )}
          </div>
        )}
        {turn.phase === 'failed' && (
          <div class="failure">
            <p>
              <strong>{t.failed}</strong> {errorText(t, turn.error)}
            </p>
            {/* Past the day's limit, trying again is refused again until the reset it names. */}
            {turn.error?.code !== 'quota_exceeded' && (
              <button type="button" onClick={() => onRetry(turn.key)}>
                {t.retry}
              </button>
            )}
          </div>
        )}
        {turn.phase === 'done' && (
          <div class="actions">
            <button type="button" onClick={onCopyAnswer}>
              {copied ? t.copied : t.copyAnswer}
            </button>
            {turn.jobId && (
              <Feedback
                id={turn.jobId}
                rating={turn.rating}
                comment={turn.comment}
                onRate={(rating, comment) => onRate(turn.key, rating, comment)}
              />
            )}
          </div>
        )}
      </article>
    </li>
  );
}
