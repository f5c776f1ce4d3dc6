/**
 * JSON values in the browser's Web Storage (`localStorage` or `sessionStorage`), read and written
 * without ever throwing: storage can be unavailable (private modes, quotas, disabled), and then
 * the page simply forgets. Used by the page's choices (state/storage.ts) and by its credentials
 * (auth/tokens.ts), each with its own keys.
 */
export type StorageArea = 'localStorage' | 'sessionStorage';

/** The value kept under `key`, or undefined when there is none (or it cannot be read). */
export function readStored<T>(area: StorageArea, key: string): T | undefined {
  try {
    const raw = window[area].getItem(key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  } catch {
    return undefined;
  }
}

/** Keeps `value` under `key`; undefined or null removes it. */
export function writeStored(area: StorageArea, key: string, value: unknown): void {
  try {
    if (value === undefined || value === null) window[area].removeItem(key);
    else window[area].setItem(key, JSON.stringify(value));
  } catch {
    // Storage is full or disabled: nothing to do but forget.
  }
}
