import type { SessionState } from '../auth/session.js';
import { useMessages } from './hooks.js';

/**
 * What the student is told about their sign-in: it failed, the provider's session had ended when
 * the tab was reloaded, or the token ran out (the API refused it). Dismissable; said once.
 */
export function SignInNotice({
  session,
  onDismiss,
}: {
  session: SessionState;
  onDismiss: () => void;
}) {
  const t = useMessages();
  const text =
    session.identity.kind === 'expired'
      ? t.signInExpired
      : session.notice === 'signInFailed'
        ? t.signInFailed
        : session.notice === 'signInEnded'
          ? t.signInEnded
          : null;
  if (!text) return null;
  return (
    <div class="notice" role="alert">
      <p>{text}</p>
      {session.notice && (
        <button type="button" onClick={onDismiss}>
          {t.close}
        </button>
      )}
    </div>
  );
}
