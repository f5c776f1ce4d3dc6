/**
 * The browser suites' set-up and helpers: the built page on a real embedded-mode server process
 * (its own build folder, its own server) and Debian's Chromium, opened once per test file; pages
 * driven by role and accessible name, as a person would.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { QUOTAS_OFF } from '../../../shared/test/support/quotas.js';
import { launchChromium } from './browser.js';
import { buildPage, startServer, type RunningServer } from './server.js';

export const SETTLE_TIMEOUT_MS = 30_000;
/** Fresh screenshots on every run (not committed; the ones worth keeping are copied up). */
export const SCREENSHOT_DIR = fileURLToPath(
  new URL('../../../docs/screenshots/run/', import.meta.url),
);

export interface Job {
  id: string;
  status: string;
  question: string;
  answer: string | null;
  partialAnswer?: string | null;
  language: string | null;
  conversationId?: string;
  turn?: number;
  feedback?: { rating: string; comment: string | null } | null;
}

export interface PageOptions {
  path?: string;
  width?: number;
  height?: number;
  locale?: string;
  /** The browser's time zone (IANA name), for local times. */
  timezoneId?: string;
  /** Script source run in the page before its own scripts (e.g. to seed localStorage). */
  init?: string;
  /** The page starts as this guest (a token from `guest()`), as a tab that already was. */
  guest?: string;
}

export interface BrowserSuite {
  readonly url: string;
  openPage(options?: PageOptions): Promise<Page>;
  /** A new guest session's token (`POST /api/v1/sessions`). */
  guest(): Promise<string>;
  /** An API call as `token`'s principal (the embedded server's anonymous one without). */
  api<T>(path: string, init?: RequestInit, token?: string): Promise<{ status: number; body: T }>;
  /** The job of an answer on a guest's page, read with that page's own token. */
  jobOf(answer: Locator): Promise<Job>;
  screenshot(page: Page, name: string): Promise<void>;
}

/** Starts the server and the browser before the file's tests and stops them after. */
export function browserSuite(env: Record<string, string>): BrowserSuite {
  let server: RunningServer;
  let pageDir: string | undefined;
  let browser: Browser | undefined;
  let closing = false;
  const contexts: BrowserContext[] = [];

  /**
   * A browser that went away under a test (it happened once in CI on a loaded machine, without a
   * crash log) is said so, and the next page gets a new one: one test is retried (see
   * vitest.config.ts), not the whole file failed.
   */
  async function connectedBrowser(): Promise<Browser> {
    if (browser?.isConnected()) return browser;
    const launched = await launchChromium();
    launched.on('disconnected', () => {
      if (!closing)
        process.stderr.write('Chromium went away mid-suite; the next page gets a new one\n');
    });
    browser = launched;
    return browser;
  }

  beforeAll(async () => {
    // Its own build folder: other suites (the image replay) build web/dist at the same time.
    pageDir = mkdtempSync(join(tmpdir(), 'iscoolgpt-page-'));
    await buildPage(pageDir);
    [server] = await Promise.all([
      // The answer cache is off: these suites time the offline answer to try streaming and
      // Stop, and an answer reused from the cache would arrive at once. Quotas are off: a suite
      // asks more, and more at once, than one principal's day allows.
      // Every page is a new guest: more sessions a minute from 127.0.0.1 than a school makes.
      startServer({
        LOG_LEVEL: 'warn',
        WEB_DIST_DIR: pageDir,
        ANSWER_CACHE: 'off',
        GUEST_SESSIONS_PER_MINUTE: '10000',
        ...QUOTAS_OFF,
        ...env,
      }),
      connectedBrowser(),
    ]);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    closing = true;
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    if (pageDir) rmSync(pageDir, { recursive: true, force: true });
  });

  const suite: BrowserSuite = {
    get url() {
      return server.url;
    },
    async openPage(options = {}) {
      const context = await (
        await connectedBrowser()
      ).newContext({
        viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
        locale: options.locale ?? 'en-US',
        ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      contexts.push(context);
      const page = await context.newPage();
      if (options.init) await page.addInitScript(options.init);
      if (options.guest) await page.addInitScript(seedGuest, options.guest);
      await page.goto(`${server.url}${options.path ?? '/'}`);
      return page;
    },
    async guest() {
      const { status, body } = await suite.api<{ token: string }>('/sessions', { method: 'POST' });
      expect(status).toBe(201);
      return body.token;
    },
    async api<T>(path: string, init: RequestInit = {}, token?: string) {
      const headers = new Headers(init.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      const response = await fetch(`${server.url}/api/v1${path}`, { ...init, headers });
      return { status: response.status, body: (await response.json().catch(() => null)) as T };
    },
    async jobOf(answer) {
      const id = await answer.getAttribute('data-job-id');
      expect(id, 'the answer names its job').toBeTruthy();
      const token = await guestTokenOf(answer.page());
      expect(token, "the page's guest token").toBeTruthy();
      return (await suite.api<Job>(`/jobs/${id}`, {}, token!)).body;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png` });
    },
  };
  return suite;
}

/** Where the page keeps a guest's token (web/src/auth/tokens.ts). */
export const GUEST_TOKEN_KEY = 'iscoolgpt.guestToken';

/** In the page, before its scripts: this tab was already the guest `token` (once per tab). */
function seedGuest(token: string): void {
  if (sessionStorage.getItem('test.guestSeeded')) return;
  sessionStorage.setItem('test.guestSeeded', '1');
  sessionStorage.setItem('iscoolgpt.guestToken', JSON.stringify({ token, expiresAt: '' }));
}

/** The guest token a page is using (null when it has none: signed in, or not started). */
export async function guestTokenOf(page: Page): Promise<string | null> {
  const raw = await page.evaluate((key) => sessionStorage.getItem(key), GUEST_TOKEN_KEY);
  return raw ? (JSON.parse(raw) as { token: string }).token : null;
}

/** Types a question and sends it with Enter, as a student does. */
export async function ask(page: Page, question: string, label = 'Your question'): Promise<void> {
  const box = page.getByLabel(label, { exact: true });
  await box.fill(question);
  await box.press('Enter');
}

export const busy = (answer: Locator) => answer.getAttribute('aria-busy');

export async function settled(answer: Locator): Promise<void> {
  await expect.poll(() => busy(answer), { timeout: SETTLE_TIMEOUT_MS }).toBe('false');
}

/** Waits until the answer shows at least `length` characters while still streaming. */
export async function streamedAtLeast(answer: Locator, length: number): Promise<string> {
  await expect
    .poll(async () => (await answer.innerText()).length, { timeout: SETTLE_TIMEOUT_MS })
    .toBeGreaterThanOrEqual(length);
  expect(await busy(answer)).toBe('true');
  return answer.innerText();
}

export const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

/** axe's serious and critical findings, one line each (empty when the page passes). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
