import { z } from 'zod';

/**
 * Who is asking: decided once per request at the edge (services/api's auth plugin), then the
 * owner of what the request creates and the one whose data it may read. Quotas, costs and
 * metrics are counted per principal (or per kind).
 *
 * - `guest`: a guest session this service issued (POST /api/v1/sessions), no account;
 * - `student` / `teacher`: a signed-in user of the OpenID Connect issuer (teacher: in the
 *   teachers group);
 * - `app`: an application calling with its own API key behind API Gateway;
 * - `anonymous`: nobody in particular, the one shared principal of embedded mode (or of an api
 *   started with ALLOW_ANONYMOUS=true).
 */
export const PRINCIPAL_KINDS = ['guest', 'student', 'teacher', 'app', 'anonymous'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export interface Principal {
  /**
   * Stable: a signed-in user's is the issuer's `sub` as it is; the others are namespaced by where
   * they come from (`guest:<uuid>`, `app:<api key id>`, `anonymous`), and a `sub` that would read
   * as one of those is refused (isUserId), so two kinds can never share an id. A student who
   * becomes a teacher keeps the id. Names no person: no e-mail, no name.
   */
  id: string;
  kind: PrincipalKind;
}

export const principalSchema = z
  .object({
    id: z
      .string()
      .describe(
        "stable: a signed-in user's `sub` as the issuer gives it, `guest:<uuid>`, `app:<id>` or `anonymous`",
      ),
    kind: z.enum(PRINCIPAL_KINDS),
  })
  .meta({ id: 'Principal' });

export const ANONYMOUS: Principal = Object.freeze({ id: 'anonymous', kind: 'anonymous' });

export function guestPrincipal(guestId: string): Principal {
  return { id: `guest:${guestId}`, kind: 'guest' };
}

/** The prefixes of the ids this service makes up; a user's `sub` may not start with one. */
const OWN_ID = /^(?:guest:|app:|anonymous$)/;

/** Whether an issuer's `sub` can be a user's id: not empty, and not one of our own ids' forms. */
export function isUserId(sub: string): boolean {
  return sub.length > 0 && sub.length <= 256 && !OWN_ID.test(sub);
}

/** A signed-in user, by the issuer's `sub` (checked with isUserId first). */
export function userPrincipal(sub: string, teacher: boolean): Principal {
  return { id: sub, kind: teacher ? 'teacher' : 'student' };
}

/** An application, by the API key id API Gateway names. */
export function appPrincipal(apiKeyId: string): Principal {
  return { id: `app:${apiKeyId}`, kind: 'app' };
}
