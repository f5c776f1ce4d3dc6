// No import of oidc-provider here: the production api loads the plugin that serves this.

/** The study page's client: public (no secret), authorization code with PKCE (S256). */
export const DEV_CLIENT_ID = 'iscoolgpt-web';
/** OpenID scopes the client may ask for; `groups` says teacher or student. */
export const OIDC_SCOPE = 'openid profile groups';

/**
 * What the study page reads from `/sign-in.json` to sign people in with the provider of
 * `issuer` (web/src/auth/sign-in-config.ts): oidc-provider's default endpoint paths.
 */
export function devSignInConfig(issuer: string) {
  return {
    issuer,
    clientId: DEV_CLIENT_ID,
    scope: OIDC_SCOPE,
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    endSessionEndpoint: `${issuer}/session/end`,
    postLogoutRedirectParam: 'post_logout_redirect_uri',
  };
}
