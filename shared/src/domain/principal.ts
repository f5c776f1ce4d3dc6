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
   * Stable and namespaced by where it comes from (`guest:<uuid>`, `user:<sub>`, `app:<api key
   * id>`, `anonymous`), so two kinds can never share an id. A student who becomes a teacher keeps
   * the id (both are `user:`). Names no person: no e-mail, no name.
   */
  id: string;
  kind: PrincipalKind;
}

export const principalSchema = z
  .object({
    id: z
      .string()
      .describe('stable and namespaced: `guest:<uuid>`, `user:<sub>`, `app:<id>` or `anonymous`'),
    kind: z.enum(PRINCIPAL_KINDS),
  })
  .meta({ id: 'Principal' });

export const ANONYMOUS: Principal = Object.freeze({ id: 'anonymous', kind: 'anonymous' });

export function guestPrincipal(guestId: string): Principal {
  return { id: `guest:${guestId}`, kind: 'guest' };
}

/** A signed-in user, by the issuer's `sub`. */
export function userPrincipal(sub: string, teacher: boolean): Principal {
  return { id: `user:${sub}`, kind: teacher ? 'teacher' : 'student' };
}

/** An application, by the API key id API Gateway names. */
export function appPrincipal(apiKeyId: string): Principal {
  return { id: `app:${apiKeyId}`, kind: 'app' };
}
