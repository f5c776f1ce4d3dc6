/**
 * The study page as students use it (issue 22), on a phone in Brazilian Portuguese and on a
 * desktop in English: nothing lost on Stop or error, errors in their language, the keyboard and
 * screen-reader path, delete with a confirmation, the layout, and the everyday features. The
 * accessible names come from the page's own message catalogs.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { en, ptBR, type Messages } from '../src/i18n/messages.js';
import {
  ask,
  browserSuite,
  clipboard,
  seriousViolations,
  settled,
  streamedAtLeast,
  type Job,
} from './support/page.js';

const ANSWER_MS = 4000;
const suite = browserSuite({ OFFLINE_PROVIDER_DELAY_MS: String(ANSWER_MS) });
const { api, guest, jobOf, screenshot } = suite;

const PROFILES = [
  { name: 'phone', width: 390, height: 844, locale: 'pt-BR', t: ptBR as Messages },
  { name: 'desktop', width: 1440, height: 900, locale: 'en-US', t: en },
] as const;

/** A conversation of `token`'s guest made through the API (one completed turn), as another visit would have. */
async function seedConversation(token: string, question: string, language: string): Promise<Job> {
  const { status, body } = await api<Job>(
    '/ask',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=20' },
      body: JSON.stringify({ question, language }),
    },
    token,
  );
  expect(status).toBe(200);
  return body;
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const focusedName = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return element?.getAttribute('aria-label') ?? element?.textContent?.trim() ?? '';
  });

describe.each(PROFILES)('on a $name ($locale)', ({ name, width, height, locale, t }) => {
  const openPage = (options: Parameters<typeof suite.openPage>[0] = {}) =>
    suite.openPage({ width, height, locale, ...options });
  const questionBox = (page: Page) => page.getByLabel(t.yourQuestion, { exact: true });
  const status = (page: Page) => page.getByRole('status');
  const number = (value: number) => new Intl.NumberFormat(t.locale).format(value);
  const conversations = async (page: Page) => {
    const list = page.getByRole('navigation', { name: t.conversations });
    if (name === 'phone' && !(await list.isVisible())) {
      await page.getByRole('button', { name: t.conversations, exact: true }).click();
    }
    return list;
  };

  it('Escape stops the answer, focus lands in the question box, and the question is back in it to send again', async () => {
    const page = await openPage();
    const question = 'Explain the water cycle';
    await ask(page, question, t.yourQuestion);
    const answer = page.getByRole('article').last();
    await streamedAtLeast(answer, 60);
    // Stop is the next stop of Tab after the question box.
    await questionBox(page).focus();
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe(t.stop);
    // Focus elsewhere (the answer), as a student reading it would have.
    await answer.click({ position: { x: 8, y: 8 } });
    await page.keyboard.press('Escape');

    await settled(answer);
    await expect.poll(async () => (await jobOf(answer)).status).toBe('cancelled');
    expect(await answer.innerText()).toContain(t.stopped);
    await expect.poll(() => focusedId(page)).toBe('question');
    expect(await questionBox(page).inputValue()).toBe(question);
    await expect.poll(() => status(page).innerText()).toBe(t.stoppedAnnounce);
    await screenshot(page, `${name}-escape-stopped`);

    // One action sends it again.
    await questionBox(page).press('Enter');
    await expect.poll(() => page.getByRole('article').count()).toBe(2);
    expect(await questionBox(page).inputValue()).toBe('');
    await settled(page.getByRole('article').last());
  }, 60_000);

  it('Stop, then reload: the text written before the stop stays, marked stopped, and again when the conversation is reopened', async () => {
    const page = await openPage();
    await ask(page, 'Explain how vaccines work', t.yourQuestion);
    const answer = page.getByRole('article').last();
    await streamedAtLeast(answer, 80);
    await page.getByRole('button', { name: t.stop, exact: true }).click();
    await settled(answer);
    const seen = await answer.locator('.markdown').innerText();
    // The API keeps what was streamed before the cancel (the worker writes it as it stops).
    const job = await vi.waitFor(
      async () => {
        const read = await jobOf(answer);
        expect(read.partialAnswer).toBeTruthy();
        return read;
      },
      { timeout: 5000, interval: 100 },
    );
    expect(job).toMatchObject({ status: 'cancelled', answer: null });

    const shown = async () => {
      const reread = page.getByRole('article').last();
      await expect.poll(() => reread.count()).toBe(1);
      expect(await reread.innerText()).toContain(t.stopped);
      const text = await reread.locator('.markdown').innerText();
      // What the student saw, and at most the few words that were on their way at the stop.
      expect(text.startsWith(seen.trimEnd())).toBe(true);
      expect(text.length).toBeLessThan(seen.length + 200);
    };
    await page.reload();
    await shown();
    await screenshot(page, `${name}-stop-reload`);

    await page.getByRole('button', { name: t.newConversation }).click();
    expect(await page.getByRole('article').count()).toBe(0);
    await (
      await conversations(page)
    )
      .getByRole('button', { name: 'Explain how vaccines work', exact: true })
      .click();
    await shown();
  }, 60_000);

  it('each answer carries its language; one status region says writing, then answer ready, while the transcript is not live', async () => {
    const page = await openPage();
    if (name === 'desktop') await page.getByLabel(t.answerLanguage).selectOption('pt-BR');
    // Every change of the status region's text, as a screen reader would hear it.
    await page.evaluate(() => {
      const said: string[] = [];
      (window as { said?: string[] }).said = said;
      const region = document.querySelector('[role="status"]')!;
      new MutationObserver(() => said.push(region.textContent ?? '')).observe(region, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await ask(page, 'O que é fotossíntese?', t.yourQuestion);
    const answer = page.getByRole('article').last();
    await streamedAtLeast(answer, 40);
    expect(await status(page).innerText()).toBe(t.writing);
    await settled(answer);

    expect(await answer.locator('.markdown').getAttribute('lang')).toBe('pt-BR');
    expect(await answer.innerText()).toContain('DEMONSTRAÇÃO OFFLINE');
    expect(await answer.innerText()).toContain('Como estudar, passo a passo');
    await expect.poll(() => status(page).innerText()).toBe(t.answerReady);
    const said = await page.evaluate(() => (window as { said?: string[] }).said);
    expect(said?.filter(Boolean)).toEqual([t.writing, t.answerReady]);
    const transcript = page.getByRole('region', { name: t.answers });
    expect(await transcript.getAttribute('aria-live')).toBeNull();
    expect(await page.locator('[aria-live], [role="log"], [role="alert"]').count()).toBe(0);
    expect(await focusedId(page)).toBe('question');
  }, 60_000);

  it('a too-long question shows the counter and the error, is not sent, and stays in the box; a refusal by the API is in the student’s language and gives the question back', async () => {
    const page = await openPage();
    const box = questionBox(page);
    await box.fill('a'.repeat(6500));
    expect(await page.getByText(t.characters(number(6500), number(8000))).isVisible()).toBe(true);
    const long = 'why? '.repeat(1700);
    await box.fill(long);
    await box.press('Enter');
    expect(await page.getByText(t.tooLong(number(8000))).isVisible()).toBe(true);
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('article').count()).toBe(0);
    expect(await box.inputValue()).toBe(long);
    await screenshot(page, `${name}-too-long`);

    // The API refuses (here: the question does not fit the model's context).
    await page.route('**/api/v1/ask', (route) =>
      route.fulfill({
        status: 422,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'https://iscoolgpt.dev/problems/question-too-long',
          title: 'Question too long',
          status: 422,
          detail: 'The question and its instructions take 9000 tokens; OpenAI allows 6000.',
          code: 'question_too_long',
        }),
      }),
    );
    await ask(page, 'A question the model cannot take', t.yourQuestion);
    const answer = page.getByRole('article').last();
    await settled(answer);
    const text = await answer.innerText();
    expect(text).toContain(t.errors.question_too_long);
    expect(text).not.toMatch(/OpenAI|tokens/);
    expect(await box.inputValue()).toBe('A question the model cannot take');
    await expect
      .poll(() => status(page).innerText())
      .toBe(t.failedAnnounce(t.errors.question_too_long));
    await screenshot(page, `${name}-refused`);
  }, 60_000);

  it('a conversation that fails to load (offline) says why with Try again, and a new question starts a new conversation', async () => {
    const student = await guest();
    const seeded = await seedConversation(student, 'Seeded question about gravity', t.locale);
    const page = await openPage({ guest: student });
    // The list comes from the server; then the network goes.
    await (
      await conversations(page)
    )
      .getByRole('button', { name: 'Seeded question about gravity', exact: true })
      .waitFor();
    await page.context().setOffline(true);
    // The browser's `offline` event reaches the page a moment after the switch.
    await expect.poll(() => page.getByRole('main').getByText(t.offline).isVisible()).toBe(true);
    await (
      await conversations(page)
    )
      .getByRole('button', { name: 'Seeded question about gravity', exact: true })
      .click();
    await page.getByRole('main').getByText(t.loadFailed).waitFor();
    const tryAgain = page.getByRole('button', { name: t.retry, exact: true });
    await screenshot(page, `${name}-load-failed`);
    await tryAgain.click();
    await page.getByRole('main').getByText(t.loadFailed).waitFor();

    await ask(page, 'A fresh question', t.yourQuestion);
    await page.context().setOffline(false);
    const answer = page.getByRole('article').last();
    await settled(answer);
    const job = await jobOf(answer);
    expect(job.status).toBe('completed');
    expect(job.conversationId).not.toBe(seeded.conversationId);
    expect(job.turn).toBe(1);
    expect(await page.getByRole('article').count()).toBe(1);

    // The one that failed is still there, and opens once the network is back.
    await (
      await conversations(page)
    )
      .getByRole('button', { name: 'Seeded question about gravity', exact: true })
      .click();
    await expect.poll(() => page.getByRole('article').count()).toBe(1);
    expect(await page.getByText('Seeded question about gravity').count()).toBeGreaterThan(0);
  }, 60_000);

  it('delete asks first: Cancel keeps the conversation, Delete erases it and focus moves to the next one', async () => {
    const student = await guest();
    // Most recently updated first: the second one asked is at the top.
    const [second, first] = [
      await seedConversation(student, 'Second stays', t.locale),
      await seedConversation(student, 'First to delete', t.locale),
    ];
    const page = await openPage({ guest: student });
    const nav = await conversations(page);
    const remove = nav.getByRole('button', { name: t.deleteConversation('First to delete') });
    await remove.click();
    const dialog = page.getByRole('dialog', { name: t.deleteTitle });
    await dialog.waitFor();
    await screenshot(page, `${name}-delete-confirm`);
    await dialog.getByRole('button', { name: t.cancel }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => focusedName(page)).toBe(t.deleteConversation('First to delete'));
    expect((await api(`/conversations/${first.conversationId}`, {}, student)).status).toBe(200);

    await remove.click();
    await dialog.getByRole('button', { name: t.deleteConfirm, exact: true }).click();
    await expect.poll(() => remove.count()).toBe(0);
    expect((await api(`/conversations/${first.conversationId}`, {}, student)).status).toBe(404);
    expect((await api(`/conversations/${second.conversationId}`, {}, student)).status).toBe(200);
    await expect.poll(() => focusedName(page)).toBe('Second stays');
    await expect.poll(() => status(page).innerText()).toBe(t.deleted);
  }, 60_000);

  it('with code blocks on the page, axe finds no serious violation in light or dark', async () => {
    const page = await openPage();
    await ask(
      page,
      [
        'Why does this loop never end?',
        '',
        '```js',
        '// a comment that must stay readable',
        'for (let i = 0; i < 10; i--) console.log("i is", i);',
        '```',
        '',
        '```python',
        '# another comment',
        'while True: pass',
        '```',
      ].join('\n'),
      t.yourQuestion,
    );
    const answer = page.getByRole('article').last();
    await settled(answer);
    expect(await answer.locator('.hljs-comment').count()).toBeGreaterThanOrEqual(2);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await seriousViolations(page), colorScheme).toEqual([]);
      await screenshot(page, `${name}-code-${colorScheme}`);
    }
  }, 60_000);

  it('the empty page explains each mode and offers example questions that go into the box', async () => {
    const page = await openPage();
    for (const mode of ['explain', 'tutor', 'quiz'] as const) {
      expect(await page.getByText(t.modeDescriptions[mode]).isVisible()).toBe(true);
    }
    await screenshot(page, `${name}-empty`);
    // The keyboard: the first Tab reaches the skip link, which leads to the question box; `/`
    // comes back to it from anywhere but a text field.
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe(t.skipToQuestion);
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedId(page)).toBe('question');
    await page.getByRole('button', { name: t.newConversation }).focus();
    await page.keyboard.press('/');
    expect(await focusedId(page)).toBe('question');
    expect(await questionBox(page).inputValue()).toBe('');
    const example = t.examples.explain[0];
    await page.getByRole('button', { name: example }).click();
    expect(await questionBox(page).inputValue()).toBe(example);
    expect(await focusedId(page)).toBe('question');
  }, 30_000);

  it('rating takes a comment; Copy answer copies readable text; Continue on a stopped answer asks for the rest', async () => {
    const page = await openPage();
    await ask(page, 'What is **inertia**? Show $F = ma$.', t.yourQuestion);
    const first = page.getByRole('article').last();
    await settled(first);
    await first.getByRole('button', { name: t.copyAnswer }).click();
    const copied = await clipboard(page);
    expect(copied).toContain('inertia');
    expect(copied).not.toContain('**');
    expect(copied).toContain('$F = ma$');

    await first.getByRole('button', { name: t.helpful, exact: true }).click();
    await first.getByLabel(t.comment).fill('Clear, thanks');
    await first.getByRole('button', { name: t.sendComment }).click();
    await expect
      .poll(async () => (await jobOf(first)).feedback)
      .toMatchObject({ rating: 'up', comment: 'Clear, thanks' });
    await screenshot(page, `${name}-feedback`);

    await ask(page, 'Explain momentum', t.yourQuestion);
    const second = page.getByRole('article').last();
    await streamedAtLeast(second, 40);
    await page.getByRole('button', { name: t.stop, exact: true }).click();
    await settled(second);
    await questionBox(page).fill('');
    await second.getByRole('button', { name: t.continue, exact: true }).click();
    await expect.poll(() => page.getByRole('article').count()).toBe(3);
    const third = page.getByRole('article').last();
    await settled(third);
    const job = await jobOf(third);
    expect(job.question).toBe(t.continueQuestion);
    expect(job.turn).toBe(3);
  }, 90_000);

  if (name === 'desktop') {
    it('the conversation list stays in view after scrolling a long answer, and printing shows the conversation alone', async () => {
      const page = await openPage();
      await ask(
        page,
        `Summarize this: ${'a long line of notes. '.repeat(40)}\n\n`.repeat(6),
        t.yourQuestion,
      );
      const answer = page.getByRole('article').last();
      await settled(answer);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      const list = page.getByRole('navigation', { name: t.conversations });
      const box = await list.boundingBox();
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeLessThan(height / 2);
      expect(await list.getByRole('button', { name: /^Summarize this/ }).isVisible()).toBe(true);
      await screenshot(page, `${name}-list-in-view`);

      await page.emulateMedia({ media: 'print' });
      expect(await list.isVisible()).toBe(false);
      expect(await questionBox(page).isVisible()).toBe(false);
      expect(await page.getByRole('banner').isVisible()).toBe(false);
      expect(await answer.isVisible()).toBe(true);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, `${name}-print`);
    }, 60_000);
  } else {
    it('the settings fold after sending, and the docked question box covers at most a third of the screen', async () => {
      const page = await openPage();
      await page.getByText(t.settings).first().click();
      expect(await page.getByLabel(t.mode).isVisible()).toBe(true);
      await ask(page, 'Qual é a capital do Brasil?', t.yourQuestion);
      await expect.poll(() => page.getByLabel(t.mode).isVisible()).toBe(false);
      const answer = page.getByRole('article').last();
      await streamedAtLeast(answer, 40);
      const dock = await page.locator('form.composer').boundingBox();
      expect(dock!.height).toBeLessThanOrEqual(height / 3);
      await questionBox(page).fill('uma linha\n'.repeat(30));
      const tall = await page.locator('form.composer').boundingBox();
      expect(tall!.height).toBeLessThanOrEqual(height / 3);
      await screenshot(page, `${name}-docked-box`);
      await settled(answer);
    }, 60_000);
  }
});
