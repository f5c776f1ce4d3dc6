/**
 * What a student does with their account as a whole: sign out, download everything, erase
 * everything. Each leaves nothing of the student on the page or in the browser when it should:
 * the open conversation, the list, the credentials (auth/tokens.ts) and the storage's marks.
 */
import { api } from '../api/client.js';
import type { Session } from '../auth/session.js';
import type { ConversationStore } from './conversation.js';
import type { ConversationList } from './list.js';
import { storage } from './storage.js';
import type { UsageStore } from './usage.js';

export interface Page {
  session: Session;
  store: ConversationStore;
  list: ConversationList;
  usage: UsageStore;
}

function forgetStudent({ store, list, usage }: Page): void {
  store.reset();
  list.clear();
  usage.clear();
  storage.forgetStudent();
}

/** Signs out: nothing of the student stays in this browser, and the provider's session ends. */
export function signOut(page: Page): void {
  forgetStudent(page);
  page.session.signOut();
}

/**
 * `DELETE /api/v1/me`: every conversation, job and record of the student erased on the server,
 * then the page starts fresh (a guest as a new guest; a signed-in student stays signed in, with
 * nothing). Rejects, changing nothing here, when the API did not do it.
 */
export async function deleteMyData(page: Page): Promise<void> {
  await api.deleteMe();
  forgetStudent(page);
  page.session.erased();
  await Promise.all([page.list.reload(), page.usage.refresh()]);
}

/** `GET /api/v1/me/export`: the file the API makes, saved by the browser under its name. */
export async function downloadMyData(): Promise<void> {
  const { name, data } = await api.exportMe();
  const url = URL.createObjectURL(data);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click's task is over.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
