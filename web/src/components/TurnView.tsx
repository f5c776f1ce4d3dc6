import { useMemo, useState } from 'preact/hooks';
import type { Rating } from '../api/types.js';
import { renderAnswer } from '../render/answer.js';
import type { ConversationStore, Turn } from '../state/conversation.js';
import { isBusy } from '../state/turn.js';
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
  const busy = isBusy(turn);

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
              <Thumb up />
              {t.helpful}
            </button>
            <button
              type="button"
              aria-pressed={turn.rating === 'down'}
              onClick={() => rate('down')}
            >
              <Thumb up={false} />
              {t.notHelpful}
            </button>
          </div>
        )}
      </article>
    </li>
  );
}

/** Thumbs up or down, drawn (emoji fonts are missing on many systems). */
function Thumb({ up }: { up: boolean }) {
  return (
    <svg
      class={up ? 'thumb' : 'thumb down'}
      viewBox="0 0 24 24"
      width="16"
      height="16"
      aria-hidden="true"
    >
      <path
        fill="currentColor"
        d="M2 21h4V9H2v12Zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6c-.4.4-.6.9-.6 1.4v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2Z"
      />
    </svg>
  );
}
