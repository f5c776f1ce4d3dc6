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
  // Read by index, without a split or a regular expression per token: every ask has this header.
  const header = prefer ?? '';
  for (let start = 0; start <= header.length;) {
    const comma = header.indexOf(',', start);
    const end = comma < 0 ? header.length : comma;
    const semicolon = header.indexOf(';', start);
    const preference = header.slice(start, semicolon >= 0 && semicolon < end ? semicolon : end);
    start = end + 1;
    const equals = preference.indexOf('=');
    const name = (equals < 0 ? preference : preference.slice(0, equals)).trim().toLowerCase();
    if (name === 'respond-async') respondAsync = true;
    if (name === 'wait' && equals >= 0) {
      const next = preference.indexOf('=', equals + 1);
      const value = unquote(preference.slice(equals + 1, next < 0 ? undefined : next).trim());
      if (isDeltaSeconds(value)) wait = Number(value);
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

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}

/** 1 to 9 ASCII digits: big enough for any wait, small enough to stay an exact integer. */
function isDeltaSeconds(value: string): boolean {
  if (value.length === 0 || value.length > 9) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
