import type { ConversationSummary, ListState } from '../state/list.js';
import { useMessages } from './hooks.js';

interface Props {
  list: ListState;
  current: string | null;
  open: boolean;
  onOpen: (id: string) => void;
  onDelete: (conversation: ConversationSummary) => void;
  onMore: () => void;
  onRetry: () => void;
}

/** The student's conversations, from the server (with the date each last changed), a page at a time. */
export function Sidebar({ list, current, open, onOpen, onDelete, onMore, onRetry }: Props) {
  const t = useMessages();
  const date = new Intl.DateTimeFormat(t.locale, { dateStyle: 'medium' });
  const { items } = list;
  return (
    <nav id="conversations" class={open ? 'sidebar open' : 'sidebar'} aria-label={t.conversations}>
      <h2>{t.conversations}</h2>
      {items.length === 0 && !list.loading && !list.failed && (
        <p class="hint">{t.noConversations}</p>
      )}
      {items.length > 0 && (
        <ul>
          {items.map((conversation) => {
            const title = conversation.title || t.untitled;
            const updated = new Date(conversation.updatedAt);
            return (
              <li key={conversation.id}>
                <button
                  type="button"
                  class="open-conversation"
                  aria-current={conversation.id === current ? 'page' : undefined}
                  data-conversation={conversation.id}
                  onClick={() => onOpen(conversation.id)}
                >
                  {title}
                </button>
                <time
                  class="updated"
                  dateTime={conversation.updatedAt}
                  title={t.updatedOn(date.format(updated))}
                >
                  {date.format(updated)}
                </time>
                <button
                  type="button"
                  class="icon"
                  data-delete-conversation={conversation.id}
                  aria-label={t.deleteConversation(title)}
                  title={t.deleteConversation(title)}
                  onClick={() => onDelete(conversation)}
                >
                  <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                    <path
                      fill="currentColor"
                      d="M9 3h6l1 2h4v2H4V5h4l1-2Zm-3 6h12l-1 12H7L6 9Zm4 2v8h2v-8h-2Zm4 0v8h-2"
                    />
                  </svg>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {list.failed && (
        <div class="notice">
          <p>{t.listFailed}</p>
          <button type="button" onClick={onRetry}>
            {t.retry}
          </button>
        </div>
      )}
      {list.next && !list.failed && (
        <button type="button" class="more" disabled={list.loading} onClick={onMore}>
          {t.moreConversations}
        </button>
      )}
    </nav>
  );
}
