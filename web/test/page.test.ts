/**
 * The study page in a real browser (Debian's Chromium through playwright-core) against the built
 * page on a real embedded-mode server process, whose offline demo provider streams slowly enough
 * to watch. The page is driven by role and accessible name, as a person would use it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  ask,
  browserSuite,
  busy,
  clipboard,
  guestTokenOf,
  seriousViolations,
  settled,
  streamedAtLeast,
} from './support/page.js';

/** The offline provider's whole answer takes this long: streaming is visible for seconds. */
const ANSWER_MS = 4000;
const suite = browserSuite({ OFFLINE_PROVIDER_DELAY_MS: String(ANSWER_MS) });
const { openPage, jobOf, api, screenshot } = suite;

describe('asking a question', () => {
  it('streams the answer: its text grows over several observations, then equals the job answer', async () => {
    const page = await openPage();
    const box = page.getByLabel('Your question', { exact: true });
    // Shift+Enter is a new line, Enter sends.
    await box.fill('Why is the sky blue?');
    await box.press('Shift+Enter');
    await box.pressSequentially('And why are sunsets red?');
    expect(await box.inputValue()).toBe('Why is the sky blue?\nAnd why are sunsets red?');
    await box.press('Enter');

    const answer = page.getByRole('article').last();
    const lengths: number[] = [];
    while ((await busy(answer)) !== 'false' && lengths.length < 400) {
      lengths.push((await answer.innerText()).length);
      await page.waitForTimeout(100);
    }
    await settled(answer);
    const growth = lengths.filter((length, i) => i > 0 && length > lengths[i - 1]!);
    expect(growth.length, `lengths seen while streaming: ${lengths.join(',')}`).toBeGreaterThan(3);

    const job = await jobOf(answer);
    expect(job.status).toBe('completed');
    expect(await answer.innerText()).toContain('How to study it, step by step');
    // The offline demo provider says so plainly.
    expect(await answer.innerText()).toMatch(/Offline demo/);
    // Copy answer: readable text, the same words as the job's answer (the list keeps its numbers).
    await answer.getByRole('button', { name: 'Copy answer' }).click();
    const copied = await clipboard(page);
    expect(copied).toContain('How to study it, step by step:');
    expect(copied).toContain('\n1. Restate the question in your own words');
    expect(copied.replace(/\s+/g, ' ').trim()).toBe(job.answer!.replace(/\s+/g, ' ').trim());
    // The question box is free again, and the choices are remembered.
    expect(await box.inputValue()).toBe('');
  }, 60_000);

  it('renders math with KaTeX, highlights code with a working copy button, and runs no script from an answer', async () => {
    const page = await openPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await ask(
      page,
      [
        'Inline \\(x^2\\) and display $$\\int_0^1 x\\,dx$$ please',
        '',
        '```python',
        'def square(x):',
        '    return x * x',
        '```',
        '',
        '<img src=x onerror="window.__xss = 1; alert(1)"> <script>window.__xss = 2</script>',
        '[click me](javascript:window.__xss=3) <a href="javascript:alert(4)">or me</a>',
      ].join('\n'),
    );
    const answer = page.getByRole('article').last();
    await settled(answer);

    // KaTeX renders MathML for both formulas (role math), the display one as a block.
    expect(await answer.getByRole('math').count()).toBeGreaterThanOrEqual(2);
    expect(await answer.locator('.katex-display').count()).toBe(1);
    expect(await answer.innerText()).not.toContain('\\int');

    // highlight.js marked the keywords; the copy button copies the code exactly.
    expect(await answer.locator('code .hljs-keyword').count()).toBeGreaterThan(0);
    await answer.getByRole('button', { name: 'Copy code' }).click();
    expect(await clipboard(page)).toBe('def square(x):\n    return x * x\n');

    // The payloads are inert: no handler, no script, no javascript: link to click.
    expect(await answer.locator('img').first().getAttribute('onerror')).toBeNull();
    expect(await answer.locator('script').count()).toBe(0);
    for (const name of ['click me', 'or me']) {
      const links = answer.getByRole('link', { name });
      for (const link of await links.all()) {
        expect(await link.getAttribute('href')).not.toMatch(/^\s*javascript:/i);
      }
      await answer.getByText(name).click();
    }
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
  }, 60_000);

  it('Stop during streaming: the job reads cancelled, the partial text stays, marked as stopped', async () => {
    const page = await openPage();
    await ask(page, 'Explain the water cycle');
    const answer = page.getByRole('article').last();
    await streamedAtLeast(answer, 60);
    await page.getByRole('button', { name: 'Stop' }).click();

    await settled(answer);
    await expect
      .poll(async () => (await jobOf(answer)).status, { timeout: 5000 })
      .toBe('cancelled');
    const partial = await answer.innerText();
    expect(partial).toMatch(/Stopped/);
    expect(partial).toMatch(/OFFLINE DEMO/);
    expect(partial).not.toContain('Explain the answer aloud');
    // It stays: nothing more arrives, nothing is taken away.
    await page.waitForTimeout(ANSWER_MS / 2);
    expect(await answer.innerText()).toBe(partial);
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Ask' }).waitFor();
  }, 60_000);
});

describe('conversations', () => {
  let page: Page;
  let conversationId: string | undefined;

  it('a follow-up: two answers in one conversation, the second job carries the first one’s conversationId', async () => {
    page = await openPage();
    await ask(page, 'What is a derivative?');
    const first = page.getByRole('article').nth(0);
    await settled(first);
    await ask(page, 'Give me an example');
    const second = page.getByRole('article').nth(1);
    await settled(second);

    expect(await page.getByRole('article').count()).toBe(2);
    const [job1, job2] = [await jobOf(first), await jobOf(second)];
    expect(job1.conversationId).toBeTruthy();
    expect(job2.conversationId).toBe(job1.conversationId);
    expect(job2.turn).toBe(2);
    conversationId = job1.conversationId;

    // Rating goes to the feedback endpoint.
    await second.getByRole('button', { name: 'Helpful', exact: true }).click();
    await expect.poll(async () => (await jobOf(second)).feedback?.rating).toBe('up');
    expect(
      await second
        .getByRole('button', { name: 'Helpful', exact: true })
        .getAttribute('aria-pressed'),
    ).toBe('true');
  }, 90_000);

  it('reload: the conversation comes back from the server; delete: gone from the list and the API', async () => {
    expect(conversationId, 'the follow-up test made a conversation').toBeTruthy();
    const before = await page.getByRole('article').allInnerTexts();
    await page.reload();
    await expect.poll(() => page.getByRole('article').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByRole('article').allInnerTexts()).toEqual(before);

    const list = page.getByRole('navigation', { name: 'Conversations' });
    const open = list.getByRole('button', { name: 'What is a derivative?', exact: true });
    expect(await open.count()).toBe(1);
    await list.getByRole('button', { name: 'Delete conversation: What is a derivative?' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => open.count()).toBe(0);
    expect(await page.getByRole('article').count()).toBe(0);
    // Gone for its owner (the page's guest), not just out of the list.
    const token = await guestTokenOf(page);
    expect(token).toBeTruthy();
    expect((await api(`/conversations/${conversationId}`, {}, token!)).status).toBe(404);

    // A new conversation starts empty and the list stays without the deleted one after a reload.
    await page.reload();
    expect(
      await list.getByRole('button', { name: 'What is a derivative?', exact: true }).count(),
    ).toBe(0);
    await page.getByRole('button', { name: 'New conversation' }).click();
    expect(await page.getByRole('article').count()).toBe(0);
  }, 60_000);
});

describe('a dropped network', () => {
  it('offline then online mid-stream: the text resumes from the last event, with nothing repeated or lost', async () => {
    const page = await openPage();
    await ask(page, 'Explain photosynthesis');
    const answer = page.getByRole('article').last();
    await streamedAtLeast(answer, 40);
    const context = page.context();
    await context.setOffline(true);
    await page.waitForTimeout(1200);
    expect(await answer.innerText()).toMatch(/reconnecting/i);
    await context.setOffline(false);

    // While the rest streams in, the text is never repeated and never shrinks.
    let previous = 0;
    while ((await busy(answer)) === 'true') {
      const text = await answer.innerText();
      expect(text.match(/OFFLINE DEMO/g)?.length ?? 0).toBeLessThanOrEqual(1);
      expect(text.match(/Your question/g)?.length ?? 0).toBeLessThanOrEqual(1);
      expect(text.match(/Restate the question/g)?.length ?? 0).toBeLessThanOrEqual(1);
      if (!/reconnecting/i.test(text)) {
        expect(text.length).toBeGreaterThanOrEqual(previous);
        previous = text.length;
      }
      await page.waitForTimeout(50);
    }
    await settled(answer);
    const job = await jobOf(answer);
    expect(job.status).toBe('completed');
    await answer.getByRole('button', { name: 'Copy answer' }).click();
    const copied = (await clipboard(page)).replace(/\s+/g, ' ').trim();
    expect(copied).toBe(job.answer!.replace(/\s+/g, ' ').trim());
    expect(await answer.innerText()).not.toMatch(/reconnecting/i);
  }, 60_000);
});

describe('the API says "later"', () => {
  it('429 with Retry-After, then 200: the question is answered without the student doing anything', async () => {
    const page = await openPage();
    const asks: number[] = [];
    await page.route('**/api/v1/ask', async (route) => {
      asks.push(Date.now());
      if (asks.length > 1) return route.continue();
      return route.fulfill({
        status: 429,
        headers: { 'retry-after': '1', 'content-type': 'application/problem+json' },
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Too Many Requests',
          status: 429,
          detail: 'Rate limit exceeded',
        }),
      });
    });
    await ask(page, 'Why do leaves change colour?');
    const answer = page.getByRole('article').last();
    await settled(answer);

    expect(asks).toHaveLength(2);
    expect(asks[1]! - asks[0]!).toBeGreaterThanOrEqual(1000);
    const job = await jobOf(answer);
    expect(job.status).toBe('completed');
    expect(await answer.innerText()).toContain('How to study it, step by step');
    expect(await answer.getByRole('button', { name: 'Try again' }).count()).toBe(0);
  }, 60_000);

  it('a stream cut mid-answer resumes through a 502 and a 503 with Retry-After, nothing lost', async () => {
    const page = await openPage();
    const refused: string[] = [];
    await page.route('**/api/v1/jobs/*/events', async (route) => {
      const status = [502, 503][refused.length];
      if (status === undefined) return route.continue();
      refused.push(route.request().headers()['last-event-id'] ?? '');
      return route.fulfill({
        status,
        headers: status === 503 ? { 'retry-after': '1' } : {},
        contentType: 'text/html',
        body: '<html>Bad gateway</html>',
      });
    });
    await ask(page, 'Explain the nitrogen cycle');
    const answer = page.getByRole('article').last();
    await streamedAtLeast(answer, 40);
    await page.context().setOffline(true);
    await page.waitForTimeout(500);
    await page.context().setOffline(false);
    await settled(answer);

    expect(refused).toHaveLength(2);
    // Both refused resumes asked for the events after the last one the page had.
    expect(refused[0]).toMatch(/^[0-9]/);
    const job = await jobOf(answer);
    expect(job.status).toBe('completed');
    const text = await answer.innerText();
    expect(text.match(/OFFLINE DEMO/g)).toHaveLength(1);
    expect(text).toContain('Explain the answer aloud');
    expect(text).not.toMatch(/reconnecting/i);
  }, 60_000);
});

describe('languages', () => {
  it('?lang=pt-BR shows the Portuguese labels', async () => {
    const page = await openPage({ path: '/?lang=pt-BR' });
    await page.getByLabel('Sua pergunta', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Perguntar' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Nova conversa' }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('pt-BR');
    await ask(page, 'O que é fotossíntese?', 'Sua pergunta');
    await page.getByRole('button', { name: 'Parar' }).waitFor();
    await settled(page.getByRole('article').last());
  }, 60_000);

  it('the browser’s language picks Portuguese, and the switch changes it', async () => {
    const page = await openPage({ locale: 'pt-BR' });
    await page.getByLabel('Sua pergunta', { exact: true }).waitFor();
    await page.getByLabel('Idioma da interface').selectOption('en');
    await page.getByLabel('Your question', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Ask' }).count()).toBe(1);
    // The choice is remembered.
    await page.reload();
    await page.getByLabel('Your question', { exact: true }).waitFor();
  }, 30_000);

  it('remembers the ask settings', async () => {
    const page = await openPage();
    await page.getByLabel('Mode').selectOption('tutor');
    await page.getByLabel('Subject').fill('physics');
    await page.reload();
    expect(await page.getByLabel('Mode').inputValue()).toBe('tutor');
    expect(await page.getByLabel('Subject').inputValue()).toBe('physics');
  }, 30_000);
});

describe('on a phone and a desktop', () => {
  const rich = [
    'A long formula $$\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6} = 1 + \\frac14 + \\frac19 + \\frac1{16} + \\frac1{25} + \\cdots$$',
    '',
    '```js',
    'const aVeryLongLineOfCodeThatWouldOverflowAPhoneScreen = [1, 2, 3].map((n) => n * n).filter(Boolean);',
    '```',
    'and a longwordwithoutanyspacesthatgoesonandonandonandonandonandonandon.',
  ].join('\n');

  it('at 390×844 there is no horizontal scroll, and axe finds no serious or critical violation', async () => {
    const page = await openPage({ width: 390, height: 844 });
    await ask(page, rich);
    const answer = page.getByRole('article').last();
    await streamedAtLeast(answer, 60);
    await screenshot(page, 'phone-streaming');
    await settled(answer);
    await screenshot(page, 'phone-done');

    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);

    expect(await seriousViolations(page)).toEqual([]);

    // The conversations list opens from the header on a phone.
    const list = page.getByRole('navigation', { name: 'Conversations' });
    expect(await list.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Conversations' }).click();
    expect(await list.isVisible()).toBe(true);
  }, 60_000);

  it('at desktop width: screenshots mid-stream and finished, and axe is clean there too', async () => {
    const page = await openPage({ width: 1280, height: 800 });
    await ask(page, 'What is the derivative of $x^2$? Show it with \\(\\lim_{h \\to 0}\\).');
    const answer = page.getByRole('article').last();
    await streamedAtLeast(answer, 200);
    await screenshot(page, 'desktop-streaming');
    await settled(answer);
    await screenshot(page, 'desktop-done');
    // A long title is cut short; the delete button beside it stays in sight.
    const list = page.getByRole('navigation', { name: 'Conversations' });
    const remove = list.getByRole('button', {
      name: /^Delete conversation: What is the derivative/,
    });
    const [listBox, removeBox] = [await list.boundingBox(), await remove.boundingBox()];
    expect(removeBox!.x + removeBox!.width).toBeLessThanOrEqual(listBox!.x + listBox!.width);
    // Both themes follow the system; both must pass (contrast differs between them).
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await seriousViolations(page), colorScheme).toEqual([]);
    }
    await screenshot(page, 'desktop-dark-done');
  }, 60_000);
});
