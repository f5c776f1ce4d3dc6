/**
 * Fair use on the study page in a real browser (Debian's Chromium through playwright-core) against
 * the built page on a real embedded-mode server process with a small guest quota: the page says
 * what is left of the day ("2 of 2 questions left today"), counts it down as the guest asks, and
 * a refusal past the limit says so in the interface's language with the local time of the reset.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en, type Messages } from '../src/i18n/en.js';
import { ptBR } from '../src/i18n/pt-BR.js';
import { ask, browserSuite, guestTokenOf, settled } from './support/page.js';

const LIMIT = 2;
const suite = browserSuite({
  OFFLINE_PROVIDER_DELAY_MS: '200',
  QUOTA_GUEST_QUESTIONS_PER_DAY: String(LIMIT),
  QUOTA_QUESTIONS_PER_DAY: '0',
});
const { openPage, api, screenshot } = suite;

interface Usage {
  questions: { used: number; limit: number | null };
  resetsAt: string;
}

const PROFILES = [
  // A day resets at 00:00 UTC: 21:00 in São Paulo (UTC−3), 9:00 AM in Tokyo (UTC+9).
  { name: 'phone', locale: 'pt-BR', timezoneId: 'America/Sao_Paulo', t: ptBR, reset: '21:00' },
  { name: 'desktop', locale: 'en-US', timezoneId: 'Asia/Tokyo', t: en, reset: '9:00 AM' },
] as const;

const usageLine = (page: Page, t: Messages, left: number) =>
  page.getByText(t.questionsLeft(String(left), String(LIMIT)), { exact: true });

describe.each(PROFILES)(
  'on a $name ($locale, $timezoneId)',
  ({ name, locale, timezoneId, t, reset }) => {
    it('counts the day down, then a refusal says so with the local time of the reset', async () => {
      const page = await openPage({ locale, timezoneId, width: name === 'phone' ? 390 : 1440 });
      await usageLine(page, t, LIMIT).waitFor();
      const token = (await guestTokenOf(page))!;

      for (let asked = 1; asked <= LIMIT; asked++) {
        await ask(page, `Question number ${asked}`, t.yourQuestion);
        await settled(page.getByRole('article').last());
        await usageLine(page, t, LIMIT - asked).waitFor();
      }
      const { body: usage } = await api<Usage>('/me/usage', {}, token);
      expect(usage.questions).toEqual({ used: LIMIT, limit: LIMIT });

      await ask(page, 'One question too many', t.yourQuestion);
      const refused = page.getByRole('article').last();
      await settled(refused);
      const text = await refused.innerText();
      // The interface's sentence, with the reset in the student's own time zone (today or
      // tomorrow there, whichever it is now).
      const flat = text.replace(/\s/g, ' ');
      const said = [false, true].map((tomorrow) =>
        t.quotaExceededUntil(t.when(reset, tomorrow)).replace(/\s/g, ' '),
      );
      expect(
        said.some((sentence) => flat.includes(sentence)),
        `${flat} says one of: ${said.join(' | ')}`,
      ).toBe(true);
      // No Try again (it would be refused again); the question is back in the box, to send later.
      expect(await refused.getByRole('button', { name: t.retry }).count()).toBe(0);
      expect(await page.getByLabel(t.yourQuestion, { exact: true }).inputValue()).toBe(
        'One question too many',
      );
      await screenshot(page, `${name}-quota-exceeded`);
    }, 90_000);
  },
);

describe('without a limit', () => {
  it('says nothing about what is left: a signed-in student here has no daily limit', async () => {
    const page = await openPage();
    await page.getByRole('button', { name: en.signIn, exact: true }).click();
    await page.getByLabel('Username').fill('student');
    await page.getByLabel('Password').fill('student-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: en.signOut, exact: true }).waitFor();
    const read = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/usage') && r.ok());
    await ask(page, 'A question with no limit');
    await settled(page.getByRole('article').last());
    const usage = (await (await read).json()) as Usage;
    expect(usage.questions.limit).toBeNull();
    expect(await page.getByText(/questions left today/).count()).toBe(0);
  }, 60_000);
});
