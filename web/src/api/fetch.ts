/**
 * Every API request of the page goes through here: it carries the current credentials as
 * `Authorization: Bearer` (a guest's token or a signed-in user's access token; the page never
 * calls the API without one, so no one else's data is ever reachable). A token the API refuses
 * (401 `invalid_token`) is reported; when the credentials can get a new one (a guest token made
 * by a server that has since restarted) the request is sent once more with it.
 */

export interface Credentials {
  /** The bearer token for the next request (made first if there is none yet). */
  bearer(): Promise<string>;
  /** The API refused this token: true when asking again with a new one may succeed. */
  refused(token: string): boolean;
}

let credentials: Credentials | null = null;

/** Installs where the tokens come from (main.tsx: the session). */
export function useCredentials(source: Credentials): void {
  credentials = source;
}

export async function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const token = credentials ? await credentials.bearer() : null;
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    const response = await fetch(url, { ...init, headers });
    if (response.status === 401 && token && attempt === 0 && credentials?.refused(token)) {
      await response.body?.cancel();
      continue;
    }
    return response;
  }
}
