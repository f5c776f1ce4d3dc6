import type { CacheOutcome } from '@iscoolgpt/shared';

/**
 * The answer cache over HTTP: the ask's `Cache-Control` (RFC 9111) and the response's
 * `Cache-Status` (RFC 9211), whose cache is named `iscoolgpt`.
 */

/** `Cache-Control: no-cache` on the ask (any case, alone or in a list): skip the kept answer. */
export function wantsFreshAnswer(cacheControl: string | undefined): boolean {
  if (!cacheControl) return false;
  return cacheControl
    .split(',')
    .some((directive) => directive.trim().split('=')[0]!.trim().toLowerCase() === 'no-cache');
}

/**
 * What the cache did, as RFC 9211 says it: `hit`, or `fwd=` why the model was asked (`miss`,
 * `request`: the client's `no-cache`, `bypass`: not an ask the cache serves), with a `detail`
 * where the reason is ours.
 */
export const CACHE_STATUS: Record<CacheOutcome, string> = {
  hit: 'iscoolgpt; hit',
  miss: 'iscoolgpt; fwd=miss',
  refresh: 'iscoolgpt; fwd=request',
  unavailable: 'iscoolgpt; fwd=miss; detail=unavailable',
  uncacheable: 'iscoolgpt; fwd=bypass',
  replay: 'iscoolgpt; fwd=bypass; detail=replay',
  off: 'iscoolgpt; fwd=bypass; detail=off',
};

/** An ask refused before it reached the cache (bad input, a limit, no such conversation). */
export const NOT_LOOKED_UP = 'iscoolgpt; fwd=bypass';
