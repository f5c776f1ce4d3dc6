import { useEffect, useRef } from 'preact/hooks';
import { useMessages } from './hooks.js';

interface Props {
  title: string;
  text: string;
  confirm: string;
  onConfirm: () => void;
  /** Closed without confirming (Cancel, Escape). */
  onCancel: () => void;
}

/**
 * A modal question (the native `<dialog>`: focus stays inside, Escape cancels), and focus back
 * to what opened it on close. Cancel has the focus first: the safe choice is the default.
 */
export function ConfirmDialog({ title, text, confirm, onConfirm, onCancel }: Props) {
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
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
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
