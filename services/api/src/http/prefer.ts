import { MAX_WAIT_SECONDS } from '@iscoolgpt/shared';

export interface WaitPreference {
  /** Seconds to wait for the outcome before answering 202. */
  seconds: number;
  /** The Preference-Applied value that tells the client what was honoured. */
  applied: string;
}

/**
 * Reads RFC 7240 `Prefer` for this API: `respond-async` (do not wait) and `wait=N` (wait up to
 * N seconds, capped at MAX_WAIT_SECONDS). With both, `wait` bounds how long the server may hold
 * the request. Unknown or malformed preferences are ignored, as RFC 7240 asks.
 */
export function resolveWait(prefer: string | undefined, defaultSeconds: number): WaitPreference {
  let respondAsync = false;
  let wait: number | undefined;
  for (const token of (prefer ?? '').split(',')) {
    const [rawName = '', rawValue] = token.split(';')[0]!.split('=');
    const name = rawName.trim().toLowerCase();
    if (name === 'respond-async') respondAsync = true;
    if (name === 'wait' && rawValue !== undefined) {
      const value = rawValue.trim().replace(/^"(.*)"$/, '$1');
      if (/^\d+(\.\d+)?$/.test(value)) wait = Number(value);
    }
  }
  if (wait !== undefined) {
    const seconds = Math.min(wait, MAX_WAIT_SECONDS);
    return {
      seconds,
      applied: respondAsync ? `respond-async, wait=${seconds}` : `wait=${seconds}`,
    };
  }
  if (respondAsync) return { seconds: 0, applied: 'respond-async' };
  const seconds = Math.min(defaultSeconds, MAX_WAIT_SECONDS);
  return { seconds, applied: `wait=${seconds}` };
}
