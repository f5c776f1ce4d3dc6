import type { SavedConversation } from '../state/storage.js';
import { useMessages } from './hooks.js';

interface Props {
  saved: SavedConversation[];
  current: string | null;
  open: boolean;
  onOpen: (id: string) => void;
  onDelete: (conversation: SavedConversation) => void;
}

/** Earlier conversations: their ids live in this browser, their content on the server. */
export function Sidebar({ saved, current, open, onOpen, onDelete }: Props) {
  const t = useMessages();
  return (
    <nav id="conversations" class={open ? 'sidebar open' : 'sidebar'} aria-label={t.conversations}>
      <h2>{t.conversations}</h2>
      {saved.length === 0 ? (
        <p class="hint">{t.noConversations}</p>
      ) : (
        <ul>
          {saved.map((conversation) => {
            const title = conversation.title || t.untitled;
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
                <button
                  type="button"
                  class="icon"
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
    </nav>
  );
}
