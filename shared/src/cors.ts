/**
 * The CORS contract, in one place for the two that answer browsers on other origins: the api
 * (@fastify/cors, embedded mode and the api service) and API Gateway, which answers preflights
 * itself in AWS. The methods are not listed here: each side derives them from its route table.
 * No imports, so the CDK app can load it as is.
 */

/**
 * Every request header the API reads, so a preflight allows them all: the body's type, RFC 7240
 * `Prefer`, `Idempotency-Key`, `Last-Event-ID` (resuming an event stream), the client's request
 * id, credentials (`Authorization`, API Gateway's `X-Api-Key`) and `Cache-Control` (which
 * EventSource clients send).
 */
export const CORS_REQUEST_HEADERS = [
  'content-type',
  'prefer',
  'idempotency-key',
  'last-event-id',
  'x-request-id',
  'authorization',
  'x-api-key',
  'cache-control',
] as const;

/**
 * Response headers a script on another origin may read besides the CORS-safelisted ones: where
 * to poll, when to come back, what `Prefer` got, the request id, rate-limit state (IETF
 * RateLimit header fields), the answer cache's `Cache-Status` (RFC 9211) and, on a 401, which
 * token problem `WWW-Authenticate` names.
 */
export const CORS_EXPOSED_HEADERS = [
  'location',
  'retry-after',
  'preference-applied',
  'x-request-id',
  'ratelimit',
  'ratelimit-policy',
  'cache-status',
  'www-authenticate',
] as const;
