import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Messages } from '../i18n/index.js';
import { en } from '../i18n/messages.js';
import type { ConversationStore, State } from '../state/conversation.js';

/** The interface strings of the current language. */
export const MessagesContext = createContext<Messages>(en);
export const useMessages = () => useContext(MessagesContext);

/** Re-renders on every change of the store and returns its current snapshot. */
export function useStoreState(store: ConversationStore): State {
  const [state, setState] = useState(store.snapshot);
  useEffect(() => {
    setState(store.snapshot);
    return store.subscribe(() => setState(store.snapshot));
  }, [store]);
  return state;
}
