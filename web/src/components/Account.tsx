import { useEffect, useRef, useState } from 'preact/hooks';
import type { SessionState } from '../auth/session.js';
import { deleteMyData, downloadMyData, signOut, type Page } from '../state/account.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { useAnnounce, useMessages } from './hooks.js';

interface Props {
  page: Page;
  session: SessionState;
}

/**
 * Who the page acts as, in the header: "Sign in" for a guest, the name and "Sign out" when signed
 * in, and the account menu (a disclosure: "Download my data", "Delete my data", confirmed first).
 */
export function Account({ page, session }: Props) {
  const t = useMessages();
  const announce = useAnnounce();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [working, setWorking] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const { identity } = session;

  // The menu closes on Escape (focus back to its button) and on a click outside it.
  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector('button')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      setOpen(false);
      toggle.current?.focus();
    };
    const onClick = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !toggle.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('click', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('click', onClick);
    };
  }, [open]);

  if (identity.kind === 'starting' || identity.kind === 'leaving') {
    return <div class="account" aria-busy="true" />;
  }

  const run = async (action: () => Promise<void>, done: string) => {
    setWorking(true);
    try {
      await action();
      announce(done);
    } catch {
      announce(t.accountFailed);
    } finally {
      setWorking(false);
    }
  };

  const signedIn = identity.kind === 'user' || identity.kind === 'expired';
  return (
    <div class="account">
      {signedIn && (
        <span class="who" title={t.signedInAs(identity.name)}>
          {identity.name}
        </span>
      )}
      {(!signedIn || identity.kind === 'expired') && session.canSignIn && (
        <button type="button" title={t.guest} onClick={() => void page.session.signIn()}>
          {t.signIn}
        </button>
      )}
      {signedIn && (
        <button type="button" onClick={() => signOut(page)}>
          {t.signOut}
        </button>
      )}
      <button
        type="button"
        ref={toggle}
        class="account-toggle"
        aria-expanded={open}
        aria-controls="account-menu"
        onClick={() => setOpen(!open)}
      >
        {t.account}
      </button>
      <div id="account-menu" ref={menu} class="account-menu" hidden={!open}>
        <button
          type="button"
          disabled={working}
          onClick={() => {
            setOpen(false);
            void run(downloadMyData, t.dataDownloaded);
          }}
        >
          {t.downloadData}
        </button>
        <button
          type="button"
          class="danger"
          disabled={working}
          onClick={() => {
            setOpen(false);
            setConfirming(true);
          }}
        >
          {t.deleteData}
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={t.deleteDataTitle}
          text={t.deleteDataText}
          confirm={t.deleteDataConfirm}
          onConfirm={() => {
            setConfirming(false);
            void run(() => deleteMyData(page), t.dataDeleted);
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
    </div>
  );
}
