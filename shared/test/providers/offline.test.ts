import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { OfflineProvider } from '../../src/providers/offline.js';
import { studyRequest } from '../support/requests.js';

describe('OfflineProvider', () => {
  it('streams its labelled answer word by word at its pace, the pieces making up the text', async () => {
    const pieces: string[] = [];

    const answer = await new OfflineProvider({ wordsPerSecond: 10_000 }).answer(
      studyRequest({ language: 'en' }),
      { onDelta: (text) => pieces.push(text) },
    );

    expect(answer.text).toMatch(/^\[OFFLINE DEMO/);
    expect(pieces.length).toBeGreaterThan(20);
    expect(pieces.join('')).toBe(answer.text);
    expect(pieces.every((piece) => piece.trim().split(/\s+/).length === 1)).toBe(true);
  });

  it('without a pace, hands the whole text over at once, with the same word counts', async () => {
    const request = studyRequest({ language: 'pt-BR', question: 'Por que o céu\u00a0é azul?\n' });
    const paced = await new OfflineProvider({ wordsPerSecond: 10_000 }).answer(request);
    const pieces: string[] = [];

    const answer = await new OfflineProvider({ delayMs: 0 }).answer(request, {
      onDelta: (text) => pieces.push(text),
    });

    expect(pieces).toEqual([answer.text]);
    expect(answer).toEqual(paced);
    expect(answer.usage).toEqual({
      inputTokens: 6,
      outputTokens: answer.text.split(/\s+/).filter(Boolean).length,
    });
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

  it('keeps a pace in words a second when no delay is set (30 by default in the config)', async () => {
    const arrivals: number[] = [];
    const started = performance.now();

    const answer = await new OfflineProvider({ wordsPerSecond: 200 }).answer(studyRequest(), {
      onDelta: () => arrivals.push(performance.now() - started),
    });

    // Word n arrives no sooner than n / 200 s after the start.
    const words = answer.text.split(/\s+/).filter(Boolean).length;
    expect(arrivals).toHaveLength(words);
    expect(arrivals.at(-1)).toBeGreaterThanOrEqual(((words - 1) * 1000) / 200);
    expect(arrivals[0]).toBeLessThan(arrivals.at(-1)! / 2);
    expect(loadConfig({}).OFFLINE_PROVIDER_WORDS_PER_SECOND).toBe(30);
    expect(loadConfig({}).OFFLINE_PROVIDER_DELAY_MS).toBeUndefined();
  });

  it.each([
    [
      'the ask names Portuguese',
      { language: 'pt-BR', question: 'Why is the sky blue?' },
      /^\[DEMONSTRAÇÃO OFFLINE/,
      'Como estudar, passo a passo',
    ],
    [
      'the ask names it in words',
      { language: 'português', question: 'Why?' },
      /^\[DEMONSTRAÇÃO OFFLINE/,
      'Sua pergunta',
    ],
    [
      'a Portuguese question, no language',
      { language: null, question: 'O que é fotossíntese e por que ela é importante?' },
      /^\[DEMONSTRAÇÃO OFFLINE/,
      'Sua pergunta',
    ],
    [
      'a Spanish question, no language',
      { language: null, question: '¿Qué es la fotosíntesis y por qué es importante?' },
      /^\[DEMOSTRACIÓN SIN CONEXIÓN/,
      'Tu pregunta',
    ],
    [
      'an English question, no language',
      { language: null, question: 'What is photosynthesis and why does it matter?' },
      /^\[OFFLINE DEMO/,
      'How to study it, step by step',
    ],
    [
      'the ask names English for a Portuguese question',
      { language: 'en', question: 'O que é fotossíntese?' },
      /^\[OFFLINE DEMO/,
      'Your question',
    ],
  ])('answers in the ask’s language: %s', async (_, overrides, header, phrase) => {
    const answer = await new OfflineProvider().answer(studyRequest(overrides));
    expect(answer.text).toMatch(header);
    expect(answer.text).toContain(phrase);
    expect(answer.text).toContain(overrides.question);
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
