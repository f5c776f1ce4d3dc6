import type { KoaContextWithOIDC } from 'oidc-provider';
import { DEMO_ACCOUNTS } from './accounts.js';

/**
 * The development provider's pages: plain HTML, no script, one inline style sheet. They belong
 * to a provider that only `npm start` runs; Cognito's managed login plays their part in AWS.
 */

/** No script at all; forms post to this origin (or, after sign-in, redirect to the page). */
export const PROVIDER_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; " +
  "frame-ancestors 'none'; base-uri 'none'";

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:22rem;margin:3rem auto;padding:0 1rem;' +
  'line-height:1.5}label{display:block;margin-top:.75rem}input{width:100%;padding:.4rem;' +
  'font-size:1rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem;' +
  'font-size:1rem}.error{color:#b00020}.hint{color:#555;font-size:.9rem}';

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main>${body}</main></body></html>`
  );
}

/** The sign-in form of an interaction; `error` after a wrong username or password. */
export function loginPage(action: string, options: { username?: string; error?: string } = {}) {
  const accounts = DEMO_ACCOUNTS.map(
    (account) =>
      `<li><code>${escapeHtml(account.username)}</code> / <code>${escapeHtml(account.password)}</code>` +
      ` (${account.teacher ? 'teacher' : 'student'})</li>`,
  ).join('');
  return page(
    'Sign in (development)',
    `<h1>Sign in</h1>` +
      `<p class="hint">IsCoolGPT development sign-in. Demo accounts:</p><ul class="hint">${accounts}</ul>` +
      (options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '') +
      `<form method="post" action="${escapeHtml(action)}">` +
      `<label for="username">Username</label>` +
      `<input id="username" name="username" autocomplete="username" required autofocus ` +
      `value="${escapeHtml(options.username ?? '')}">` +
      `<label for="password">Password</label>` +
      `<input id="password" name="password" type="password" autocomplete="current-password" required>` +
      `<button type="submit">Sign in</button></form>`,
  );
}

export async function renderLogout(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.set('content-security-policy', PROVIDER_PAGE_CSP);
  ctx.type = 'html';
  // `form` is oidc-provider's own hidden form (id op.logoutForm) with the request's state.
  ctx.body = page(
    'Sign out (development)',
    `<h1>Sign out</h1><p>Sign out of the IsCoolGPT development sign-in?</p>${form}` +
      `<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`,
  );
}

export async function renderLoggedOut(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.set('content-security-policy', PROVIDER_PAGE_CSP);
  ctx.type = 'html';
  ctx.body = page('Signed out', '<h1>Signed out</h1><p>You are signed out.</p>');
}

export async function renderProviderError(
  ctx: KoaContextWithOIDC,
  out: { error: string; error_description?: string },
): Promise<void> {
  ctx.set('content-security-policy', PROVIDER_PAGE_CSP);
  ctx.type = 'html';
  ctx.body = page(
    'Sign-in error',
    `<h1>Sign-in error</h1><p><code>${escapeHtml(out.error)}</code></p>` +
      (out.error_description ? `<p>${escapeHtml(out.error_description)}</p>` : ''),
  );
}
