import { useMemo, useState } from 'preact/hooks';
import type { Rating } from '../api/types.js';
import { renderAnswer } from '../render/answer.js';
import type { ConversationStore, Turn } from '../state/conversation.js';
import { useMessages } from './hooks.js';

const COPIED_FOR_MS = 1500;

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** One turn: the student's question, then the answer as an article (busy while it streams). */
export function TurnView({ turn, store }: { turn: Turn; store: ConversationStore }) {
  const t = useMessages();
  const html = useMemo(
    () => renderAnswer(turn.text, { copyCode: t.copyCode }),
    [turn.text, t.copyCode],
  );
  const [copied, setCopied] = useState(false);
  const busy = turn.phase === 'waiting' || turn.phase === 'streaming';

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
    if (await copyText(turn.text)) {
      setCopied(true);
      setTimeout(() => setCopied(false), COPIED_FOR_MS);
    }
  };

  const rate = (rating: Rating) => void store.rate(turn.key, rating);

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
            onClick={onAnswerClick}
            dangerouslySetInnerHTML={{ __html: html }}
          />
        )}
        {turn.phase === 'waiting' && (
          <p class="status">
            <span class="dots" aria-hidden="true" /> {t.waiting}
          </p>
        )}
        {turn.phase === 'streaming' && !turn.reconnecting && (
          <p class="status visually-hidden">{t.streaming}</p>
        )}
        {busy && turn.reconnecting && <p class="status warn">{t.reconnecting}</p>}
        {turn.phase === 'stopped' && <p class="status warn">{t.stopped}</p>}
        {turn.phase === 'failed' && (
          <div class="failure" role="alert">
            <p>
              <strong>{t.failed}</strong>{' '}
              {turn.error?.code === 'turn_in_progress' ? t.turnInProgress : turn.error?.message}
            </p>
            <button type="button" onClick={() => store.retry(turn.key)}>
              {t.retry}
            </button>
          </div>
        )}
        {turn.phase === 'done' && (
          <div class="actions">
            <button type="button" onClick={onCopyAnswer}>
              {copied ? t.copied : t.copyAnswer}
            </button>
            <button type="button" aria-pressed={turn.rating === 'up'} onClick={() => rate('up')}>
              <span aria-hidden="true">👍 </span>
              {t.helpful}
            </button>
            <button
              type="button"
              aria-pressed={turn.rating === 'down'}
              onClick={() => rate('down')}
            >
              <span aria-hidden="true">👎 </span>
              {t.notHelpful}
            </button>
          </div>
        )}
      </article>
    </li>
  );
}
