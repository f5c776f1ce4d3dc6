import { useEffect, useRef } from 'preact/hooks';
import { useMessages } from './hooks.js';

interface Props {
  title: string;
  text: string;
  confirm: string;
  onConfirm: () => void;
  /** Closed without confirming (Cancel, Escape). */
  onCancel: () => void;
  /**
   * Where focus goes back to on close, found then (default: what had the focus when it opened).
   * For an opener in a list that may render again while the dialog is open.
   */
  returnFocus?: () => HTMLElement | null;
}

/**
 * A modal question (the native `<dialog>`: focus stays inside, Escape cancels), and focus back
 * to what opened it on close. Cancel has the focus first: the safe choice is the default.
 */
export function ConfirmDialog({ title, text, confirm, onConfirm, onCancel, returnFocus }: Props) {
  const t = useMessages();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const opener = document.activeElement;
    element.showModal();
    cancel.current?.focus();
    return () => {
      element.close();
      // Back to what opened it (the dialog may leave the DOM before the browser would do it).
      const target = returnFocus?.() ?? opener;
      if (target instanceof HTMLElement && target.isConnected) target.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-text"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <p id="confirm-text">{text}</p>
      <div class="confirm-buttons">
        <button type="button" ref={cancel} onClick={onCancel}>
          {t.cancel}
        </button>
        <button type="button" class="danger" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </dialog>
  );
}
