import { createContext, type RefObject } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Messages } from '../i18n/index.js';
import { en } from '../i18n/messages.js';

/** The interface strings of the current language. */
export const MessagesContext = createContext<Messages>(en);
export const useMessages = () => useContext(MessagesContext);

/** Says something in the page's one status region (announced by screen readers). */
export const AnnounceContext = createContext<(message: string) => void>(() => {});
export const useAnnounce = () => useContext(AnnounceContext);

/** A state holder of the page (the conversation, its list, the session). */
export interface Observable<T> {
  readonly snapshot: T;
  subscribe(listener: () => void): () => void;
}

/** Re-renders on every change of the store and returns its current snapshot. */
export function useStoreState<T>(store: Observable<T>): T {
  const [state, setState] = useState(store.snapshot);
  useEffect(() => {
    setState(store.snapshot);
    return store.subscribe(() => setState(store.snapshot));
  }, [store]);
  return state;
}

/** Whether the browser says it is online, kept up to date. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/**
 * The page's shortcuts: Escape stops the answer being written (unless a dialog is open: Escape
 * closes it), `/` brings focus to the question box (unless the student is typing somewhere).
 */
export function useShortcuts(
  box: RefObject<HTMLTextAreaElement | null>,
  stop: (() => void) | null,
) {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if (event.key === 'Escape' && stop && !document.querySelector('dialog[open]')) {
        event.preventDefault();
        stop();
      } else if (event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey) {
        if (typingIn(event.target)) return;
        event.preventDefault();
        box.current?.focus();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [box, stop]);
}
