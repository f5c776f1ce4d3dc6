import { useState } from 'preact/hooks';
import { COMMENT_MAX_LENGTH, type Rating } from '../api/types.js';
import { useAnnounce, useMessages } from './hooks.js';

interface Props {
  /** The answer's job, to name the comment box uniquely. */
  id: string;
  rating: Rating | null;
  comment: string | null;
  onRate: (rating: Rating, comment?: string) => Promise<boolean>;
}

/** Helpful / not helpful, then an optional comment once the answer is rated. */
export function Feedback({ id, rating, comment, onRate }: Props) {
  const t = useMessages();
  const announce = useAnnounce();
  const [text, setText] = useState(comment ?? '');
  const [sent, setSent] = useState(false);
  const field = `comment-${id}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (rating && (await onRate(rating, text))) {
      setSent(true);
      announce(t.feedbackThanks);
    }
  };

  return (
    <>
      <button type="button" aria-pressed={rating === 'up'} onClick={() => void onRate('up')}>
        <Thumb up />
        {t.helpful}
      </button>
      <button type="button" aria-pressed={rating === 'down'} onClick={() => void onRate('down')}>
        <Thumb up={false} />
        {t.notHelpful}
      </button>
      {rating && (
        <form class="comment" onSubmit={submit}>
          <label for={field}>{t.comment}</label>
          <textarea
            id={field}
            rows={2}
            maxLength={COMMENT_MAX_LENGTH}
            value={text}
            onInput={(event) => {
              setText((event.target as HTMLTextAreaElement).value);
              setSent(false);
            }}
          />
          <div class="comment-send">
            <button type="submit">{t.sendComment}</button>
            {sent && <span>{t.feedbackThanks}</span>}
          </div>
        </form>
      )}
    </>
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
