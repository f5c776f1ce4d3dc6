import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type Provider from 'oidc-provider';
import { signIn } from '../../dev-identity/accounts.js';
import { loginPage, PROVIDER_PAGE_CSP } from '../../dev-identity/pages.js';
// Types only: the production api loads this module too, and must not load oidc-provider.
import type { DevProvider } from '../../dev-identity/provider.js';
import { devSignInConfig } from '../../dev-identity/sign-in-config.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * Mounts embedded mode's development OpenID provider at /oidc, on the page's own origin (its
 * token endpoint is a same-origin fetch for the page, allowed by the page's CSP). Everything
 * under /oidc goes to oidc-provider untouched (before Fastify reads a body), except the sign-in
 * form of an interaction, which is ours.
 */
export default fp<{ dev: DevProvider }>(
  async (fastify, { dev }) => {
    const { mountPath } = dev;
    // One instance per name of this machine (its issuer): the request's Host picks it.
    const providerOf = (request: FastifyRequest) => dev.providerFor(request.headers.host);
    const callbacks = new WeakMap<Provider, ReturnType<Provider['callback']>>();
    const callbackOf = (provider: Provider) => {
      let callback = callbacks.get(provider);
      if (!callback) {
        callback = provider.callback();
        callbacks.set(provider, callback);
      }
      return callback;
    };

    // Where the study page signs people in: this host's issuer (web/src/auth/sign-in-config.ts).
    fastify.get('/sign-in.json', { schema: { hide: true } }, async (request, reply) =>
      reply.header('cache-control', 'no-cache').send(devSignInConfig(providerOf(request).issuer)),
    );

    fastify.route({
      method: ['GET', 'POST', 'OPTIONS'],
      url: `${mountPath}/*`,
      schema: { hide: true },
      onRequest: (request, reply) => {
        reply.hijack();
        const raw = request.raw as typeof request.raw & { originalUrl?: string };
        // oidc-provider routes on the path below its mount point and reads the prefix back from
        // originalUrl (as when mounted in Express).
        raw.originalUrl = raw.url;
        raw.url = (raw.url ?? '/').slice(mountPath.length) || '/';
        void callbackOf(providerOf(request))(raw, reply.raw);
      },
      handler: async () => undefined,
    });

    await fastify.register(async (forms) => {
      forms.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 4096 },
        (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
      );

      forms.get<{ Params: { uid: string } }>(
        `${mountPath}/interaction/:uid`,
        { schema: { hide: true } },
        async (request, reply) => {
          const provider = providerOf(request);
          const details = await interaction(provider, request, reply);
          if (!details) return reply;
          if (details.prompt.name === 'login') {
            return html(reply, 200, loginPage(loginAction(mountPath, details)));
          }
          // Consent adds to the login already given: merged with the last submission.
          return finish(provider, request, reply, await consent(provider, details), true);
        },
      );

      forms.post<{ Params: { uid: string }; Body: Record<string, string> | undefined }>(
        `${mountPath}/interaction/:uid/login`,
        { schema: { hide: true } },
        async (request, reply) => {
          const provider = providerOf(request);
          const details = await interaction(provider, request, reply);
          if (!details) return reply;
          const username = request.body?.username ?? '';
          const account = signIn(username, request.body?.password ?? '');
          if (!account) {
            request.log.info({}, 'development sign-in refused: wrong username or password');
            return html(
              reply,
              401,
              loginPage(loginAction(mountPath, details), {
                username,
                error: 'Wrong username or password.',
              }),
            );
          }
          request.log.info({ principalId: account.id }, 'development sign-in');
          return finish(provider, request, reply, { login: { accountId: account.id } }, false);
        },
      );
    });
  },
  { name: 'dev-identity' },
);

function loginAction(mountPath: string, details: Interaction): string {
  return `${mountPath}/interaction/${details.uid}/login`;
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', PROVIDER_PAGE_CSP)
    .header('cache-control', 'no-store')
    .send(body);
}

/** The interaction this browser is in (its cookie), or an error page when there is none. */
async function interaction(
  provider: Provider,
  request: FastifyRequest<{ Params: { uid: string } }>,
  reply: FastifyReply,
): Promise<Interaction | undefined> {
  try {
    const details = await provider.interactionDetails(request.raw, reply.raw);
    if (details.uid === request.params.uid) return details;
  } catch {
    // No interaction cookie, or the interaction expired: both answered below.
  }
  html(
    reply,
    400,
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in expired</title>' +
      '</head><body><main><h1>Sign-in expired</h1><p>This sign-in is no longer open. Start ' +
      'again from the study page.</p></main></body></html>',
  );
  return undefined;
}

/** The first-party page gets what it asked for: its grant is made without a consent screen. */
async function consent(provider: Provider, details: Interaction) {
  const { accountId } = details.session ?? {};
  const clientId = String(details.params.client_id);
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId });
  if (!grant) return { error: 'access_denied' };
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  return { consent: { grantId: await grant.save() } };
}

async function finish(
  provider: Provider,
  request: FastifyRequest,
  reply: FastifyReply,
  result: Parameters<Provider['interactionFinished']>[2],
  mergeWithLastSubmission: boolean,
): Promise<FastifyReply> {
  reply.hijack();
  await provider.interactionFinished(request.raw, reply.raw, result, { mergeWithLastSubmission });
  return reply;
}
