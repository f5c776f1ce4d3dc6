/**
 * The study page's content security policy, in one place for the two that send it: the api
 * (embedded mode and the api service, with the page) and CloudFront's response headers policy.
 * Scripts only from this origin and never inline; styles inline too because KaTeX positions
 * glyphs with style attributes; images from here or data: only (an answer cannot make the
 * browser fetch a tracking pixel); no framing. No imports, so the CDK app can load it as is.
 *
 * `signInOrigins`: where the page's sign-in exchanges its code for tokens (a `fetch` from the
 * page), when that is not its own origin: Cognito's managed login domain in AWS. Embedded mode's
 * development provider is on the page's origin and needs none.
 */
export function pageCsp(signInOrigins: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...signInOrigins].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy of a page whose sign-in (if any) is on its own origin. */
export const PAGE_CSP = pageCsp();
