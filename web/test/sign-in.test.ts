/**
 * Sign-in on the study page in a real browser (Debian's Chromium through playwright-core) against
 * the built page on a real embedded-mode server process and its development OpenID provider at
 * /oidc: a guest from the first visit, whose conversation stays theirs once they sign in; the
 * same student on another browser; a stranger who sees nothing; the student's own data, downloaded
 * and erased; and sign-out leaving nothing behind. Tokens never travel in a URL or a log line.
 */
import { readFileSync } from 'node:fs';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.js';
import { ptBR } from '../src/i18n/pt-BR.js';
import { ask, browserSuite, guestTokenOf, settled } from './support/page.js';

const suite = browserSuite({ OFFLINE_PROVIDER_DELAY_MS: '300' });
const { openPage, api, screenshot } = suite;

const QUESTION = 'What is a vector, in physics?';

/** Everything that could carry a token out of the page: each request's URL, each console line. */
interface Watch {
  urls: string[];
  console: string[];
  /** The access tokens the provider handed this page (read off the wire, for the checks). */
  accessTokens: string[];
}

function watch(page: Page): Watch {
  const seen: Watch = { urls: [], console: [], accessTokens: [] };
  page.on('request', (request: Request) => seen.urls.push(request.url()));
  page.on('framenavigated', (frame) => seen.urls.push(frame.url()));
  page.on('console', (message) => seen.console.push(message.text()));
  page.on('response', (response) => {
    if (!response.url().endsWith('/oidc/token') || response.status() !== 200) return;
    void response.json().then(
      (body: { access_token?: string }) => {
        if (body.access_token) seen.accessTokens.push(body.access_token);
      },
      () => {},
    );
  });
  return seen;
}

const list = (page: Page) => page.getByRole('navigation', { name: en.conversations });
const listed = (page: Page, title: string) =>
  list(page).getByRole('button', { name: title, exact: true });

/** "Sign in", then the development provider's form, as a student fills it in. */
async function signIn(page: Page, username = 'student', password = 'student-demo') {
  await page.getByRole('button', { name: en.signIn, exact: true }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: en.signOut, exact: true }).waitFor();
}

async function openAccountMenu(page: Page) {
  await page.getByRole('button', { name: en.account, exact: true }).click();
}

/** The page's own storage, both kinds, as key → value. */
const storageOf = (page: Page) =>
  page.evaluate(() => {
    const all: Record<string, string> = {};
    for (const area of [localStorage, sessionStorage]) {
      for (let i = 0; i < area.length; i++) {
        const key = area.key(i)!;
        all[key] = area.getItem(key)!;
      }
    }
    return all;
  });

describe('signing in on the study page', () => {
  let first: Page;
  let firstWatch: Watch;
  let second: Page;
  let secondWatch: Watch;
  let guestToken: string;
  let conversationId: string;

  it('a guest from the first visit asks; after signing in as the demo student the conversation is still there and still open', async () => {
    first = await openPage({ width: 1440, height: 900 });
    firstWatch = watch(first);
    await ask(first, QUESTION);
    const answer = first.getByRole('article').last();
    await settled(answer);
    await listed(first, QUESTION).waitFor();
    guestToken = (await guestTokenOf(first))!;
    expect(guestToken, 'the page made a guest session without asking anything').toBeTruthy();
    const { body: me } = await api<{ kind: string }>('/me', {}, guestToken);
    expect(me.kind).toBe('guest');
    conversationId = (await first.evaluate(() =>
      JSON.parse(sessionStorage.getItem('iscoolgpt.currentConversation') ?? 'null'),
    )) as string;
    expect(conversationId).toBeTruthy();
    await screenshot(first, 'desktop-guest');

    await signIn(first);
    // Back on the page: no code or state left in the address bar.
    expect(new URL(first.url()).search).toBe('');
    await listed(first, QUESTION).waitFor();
    await expect.poll(() => first.getByRole('article').count()).toBe(1);
    expect(await first.getByRole('article').innerText()).toContain(QUESTION);
    // The guest's conversations were claimed: the guest token is dropped, the guest owns nothing.
    expect(await guestTokenOf(first)).toBeNull();
    const { body: guestList } = await api<{ items: unknown[] }>('/conversations', {}, guestToken);
    expect(guestList.items).toEqual([]);
    // The list comes from the API with dates.
    const time = list(first).locator('time').first();
    expect(await time.getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    await screenshot(first, 'desktop-signed-in');

    // A reload signs the tab in again through the provider's session (no form).
    await first.reload();
    await first.getByRole('button', { name: en.signOut, exact: true }).waitFor();
    await listed(first, QUESTION).waitFor();
    expect(new URL(first.url()).search).toBe('');
  }, 90_000);

  it('a second browser signed in as the same student sees the conversation and opens it', async () => {
    second = await openPage({ width: 1280, height: 800 });
    secondWatch = watch(second);
    await signIn(second);
    await listed(second, QUESTION).click();
    await expect.poll(() => second.getByRole('article').count()).toBe(1);
    expect(await second.getByRole('article').innerText()).toContain(QUESTION);
  }, 60_000);

  it('a fresh guest sees nothing of it (and reads the page in Portuguese when that is its language)', async () => {
    const stranger = await openPage({ locale: 'pt-BR' });
    const nav = stranger.getByRole('navigation', { name: ptBR.conversations });
    await nav.getByText(ptBR.noConversations).waitFor();
    expect(await nav.getByRole('button', { name: QUESTION }).count()).toBe(0);
    for (const name of [ptBR.signIn, ptBR.account]) {
      await expect.poll(() => stranger.getByRole('button', { name, exact: true }).count()).toBe(1);
    }
    await stranger.getByRole('button', { name: ptBR.account, exact: true }).click();
    for (const name of [ptBR.downloadData, ptBR.deleteData]) {
      expect(await stranger.getByRole('button', { name, exact: true }).isVisible()).toBe(true);
    }
    // The conversation itself is not theirs either: 404, as for an unknown id.
    const token = (await guestTokenOf(stranger))!;
    expect((await api(`/conversations/${conversationId}`, {}, token)).status).toBe(404);
  }, 60_000);

  it('"Download my data" saves the export: every conversation with its question and answer', async () => {
    await openAccountMenu(second);
    const [download] = await Promise.all([
      second.waitForEvent('download'),
      second.getByRole('button', { name: en.downloadData, exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as unknown;
    const text = JSON.stringify(exported);
    expect(text).toContain(conversationId);
    expect(text).toContain(QUESTION);
  }, 60_000);

  it('"Delete my data" asks first, then empties the list here and on the other browser', async () => {
    await openAccountMenu(second);
    await second.getByRole('button', { name: en.deleteData, exact: true }).click();
    const dialog = second.getByRole('dialog', { name: en.deleteDataTitle });
    await dialog.waitFor();
    await screenshot(second, 'desktop-delete-my-data');
    // Cancel keeps everything.
    await dialog.getByRole('button', { name: en.cancel }).click();
    expect(await listed(second, QUESTION).count()).toBe(1);

    await openAccountMenu(second);
    await second.getByRole('button', { name: en.deleteData, exact: true }).click();
    await dialog.getByRole('button', { name: en.deleteDataConfirm, exact: true }).click();
    await list(second).getByText(en.noConversations).waitFor();
    expect(await second.getByRole('article').count()).toBe(0);
    await expect.poll(() => second.getByRole('status').innerText()).toBe(en.dataDeleted);
    // Still signed in, with nothing.
    expect(await second.getByRole('button', { name: en.signOut, exact: true }).count()).toBe(1);
    const [accessToken] = secondWatch.accessTokens;
    expect(accessToken).toBeTruthy();
    expect((await api(`/conversations/${conversationId}`, {}, accessToken)).status).toBe(404);

    await first.reload();
    await first.getByRole('button', { name: en.signOut, exact: true }).waitFor();
    await list(first).getByText(en.noConversations).waitFor();
  }, 60_000);

  it('"Sign out" ends the provider’s session too and leaves nothing of the student in the browser', async () => {
    await ask(first, 'One more question before leaving');
    await settled(first.getByRole('article').last());
    await first.getByRole('button', { name: en.signOut, exact: true }).click();
    // The provider asks to confirm ending its session, then returns to the page.
    await first.getByRole('button', { name: 'Sign out' }).click();
    await first.getByRole('button', { name: en.signIn, exact: true }).waitFor();
    await list(first).getByText(en.noConversations).waitFor();
    const kept = await storageOf(first);
    const personal = Object.keys(kept).filter(
      (key) =>
        key.startsWith('iscoolgpt.') &&
        !['iscoolgpt.settings', 'iscoolgpt.language', 'iscoolgpt.guestToken'].includes(key),
    );
    expect(personal).toEqual([]);
    expect(JSON.stringify(kept)).not.toContain('One more question');
    // The next person gets the provider's form, not the previous student's session.
    await first.getByRole('button', { name: en.signIn, exact: true }).click();
    await first.getByLabel('Username').waitFor();
  }, 60_000);

  it('never puts a token in a URL or a console line', () => {
    const tokens = [guestToken, ...firstWatch.accessTokens, ...secondWatch.accessTokens];
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    for (const token of tokens) {
      for (const line of [...firstWatch.urls, ...secondWatch.urls]) {
        expect(line).not.toContain(token);
      }
      for (const line of [...firstWatch.console, ...secondWatch.console]) {
        expect(line).not.toContain(token);
      }
    }
  });
});
