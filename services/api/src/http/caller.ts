import type { FastifyRequest } from 'fastify';

/** Embedded mode, or a request that came without the gateway's header: one shared scope. */
export const SHARED_SCOPE = 'shared';

/**
 * The caller an Idempotency-Key belongs to. With `callerHeader` (the API service behind API
 * Gateway, which overwrites that header with the API key id) it is the header's value; without
 * it (embedded mode) every request is in one scope and a client-sent header means nothing.
 */
export function callerScope(request: FastifyRequest, callerHeader: string | undefined): string {
  if (!callerHeader) return SHARED_SCOPE;
  const value = request.headers[callerHeader];
  // The gateway sends one short id; anything else did not come from it.
  return typeof value === 'string' && value.length > 0 && value.length <= 256
    ? `caller:${value}`
    : SHARED_SCOPE;
}
