import { jobSchema, type Job } from '@iscoolgpt/shared';
import { describe, expect, it } from 'vitest';
import { serializerCompiler } from '../../src/http/serializer.js';

const serialize = serializerCompiler({ schema: jobSchema });

const base: Job = {
  id: '5f0c8c8e-3b8a-4c55-9f0e-9d7f0f3c2a11',
  status: 'queued',
  question: 'Why is the sky "blue"?\nAsk a physicist.',
  subject: 'physics',
  level: null,
  language: null,
  answer: null,
  partialAnswer: null,
  provider: null,
  model: null,
  usage: null,
  cached: false,
  cachedUsage: null,
  attempts: 0,
  error: null,
  createdAt: '2026-11-26T06:00:00.000Z',
  updatedAt: '2026-11-26T06:00:00.000Z',
  completedAt: null,
  conversationId: '0b7e4f52-8d0a-4f6e-a1c3-2c9d5e7f8a90',
  turn: 1,
  mode: 'explain',
  feedback: null,
};

describe('response serializer', () => {
  it.each<[string, Job]>([
    ['a pending job (nulls everywhere)', base],
    [
      'a completed job',
      {
        ...base,
        status: 'completed',
        answer: 'Rayleigh scattering: “short” wavelengths scatter more. ☀️',
        provider: 'openai',
        model: 'gpt-4o-mini',
        usage: { inputTokens: 12, outputTokens: 240, costUsd: 0.000146 },
        attempts: 2,
        completedAt: '2026-11-26T06:00:01.250Z',
        turn: 3,
        mode: 'tutor',
        feedback: { rating: 'up', comment: null, givenAt: '2026-11-26T06:00:02.000Z' },
      },
    ],
    [
      'a job answered from the cache',
      {
        ...base,
        status: 'completed',
        answer: 'Rayleigh scattering.',
        provider: 'openai',
        model: 'gpt-4o-mini',
        usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
        cached: true,
        cachedUsage: { inputTokens: 12, outputTokens: 240, costUsd: 0.000146 },
        completedAt: '2026-11-26T06:00:00.010Z',
      },
    ],
    [
      'a failed job',
      {
        ...base,
        status: 'failed',
        attempts: 3,
        error: { code: 'rate_limited', message: 'The provider kept refusing' },
        completedAt: '2026-11-26T06:00:09.000Z',
      },
    ],
    [
      'a cancelled job with the text streamed before the cancel',
      {
        ...base,
        status: 'cancelled',
        partialAnswer: 'Rayleigh scattering: “short” wave',
        error: { code: 'cancelled', message: 'Cancelled by the client' },
        completedAt: '2026-11-26T06:00:04.000Z',
      },
    ],
  ])('writes %s exactly as JSON.stringify would', (_name, job) => {
    expect(JSON.parse(serialize(job))).toEqual(job);
    expect(serialize(job)).toBe(JSON.stringify(job));
  });

  it('drops fields the public job does not have', () => {
    const record = {
      ...base,
      deadlineAt: '2026-11-26T06:10:00.000Z',
      leaseUntil: null,
      cacheKey: 'a'.repeat(64),
    };
    expect(Object.keys(JSON.parse(serialize(record)))).toEqual(Object.keys(base));
  });
});
