import { MAX_WAIT_SECONDS } from '@iscoolgpt/shared';

export interface WaitPreference {
  /** Seconds to wait for the outcome before answering 202. */
  seconds: number;
  /**
   * The Preference-Applied value: the preferences the client sent and the server honours, and
   * nothing else (undefined when none was: no header is sent).
   */
  applied: string | undefined;
}

/**
 * Reads RFC 7240 `Prefer` for this API: `respond-async` (do not wait) and `wait=N` (wait up to
 * N seconds, capped at MAX_WAIT_SECONDS). With both, `wait` bounds how long the server may hold
 * the request. `wait` is delta-seconds (whole seconds): anything else (`wait=abc`, `wait=-1`,
 * `wait=1e-7`) is malformed, and unknown or malformed preferences are ignored, as RFC 7240 asks.
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
      if (/^\d{1,9}$/.test(value)) wait = Number(value);
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
  // No preference honoured: the default wait applies, and nothing is echoed.
  return { seconds: Math.min(defaultSeconds, MAX_WAIT_SECONDS), applied: undefined };
}
