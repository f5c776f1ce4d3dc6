import { describe, expect, it } from 'vitest';
import { OfflineProvider } from '../../src/providers/offline.js';
import { studyRequest } from '../support/requests.js';

describe('OfflineProvider', () => {
  it('streams its labelled answer word by word, the pieces making up the text', async () => {
    const pieces: string[] = [];

    const answer = await new OfflineProvider({ delayMs: 0 }).answer(studyRequest(), {
      onDelta: (text) => pieces.push(text),
    });

    expect(answer.text).toMatch(/^\[OFFLINE DEMO/);
    expect(pieces.length).toBeGreaterThan(20);
    expect(pieces.join('')).toBe(answer.text);
    expect(pieces.every((piece) => piece.trim().split(/\s+/).length === 1)).toBe(true);
  });

  it('spreads its delay over the words, so the text arrives over time', async () => {
    const arrivals: number[] = [];
    const started = performance.now();

    await new OfflineProvider({ delayMs: 400 }).answer(studyRequest(), {
      onDelta: () => arrivals.push(performance.now() - started),
    });

    // The first word comes well before the last: not all at once at the end.
    expect(arrivals[0]).toBeLessThan(arrivals.at(-1)! / 2);
    expect(arrivals.at(-1)).toBeGreaterThanOrEqual(390);
  });

  it('stops when its call is aborted', async () => {
    const controller = new AbortController();
    const pieces: string[] = [];

    const call = new OfflineProvider({ delayMs: 2000 }).answer(studyRequest(), {
      signal: controller.signal,
      onDelta: (text) => {
        pieces.push(text);
        if (pieces.length === 3) controller.abort();
      },
    });

    await expect(call).rejects.toThrow();
    expect(pieces).toHaveLength(3);
  });
});
