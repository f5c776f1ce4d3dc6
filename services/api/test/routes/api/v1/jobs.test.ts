import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { build } from '../../../support/build.js';

const { app } = await build();

describe('GET /api/v1/jobs/:id', () => {
  it('returns the job with every documented field', async () => {
    const asked = await app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      payload: { question: 'What is a mitochondrion?', language: 'pt-BR' },
    });
    const response = await app.inject({ method: 'GET', url: `/api/v1/jobs/${asked.json().id}` });

    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json()).sort()).toEqual(
      [
        'answer',
        'attempts',
        'cached',
        'cachedUsage',
        'completedAt',
        'conversationId',
        'createdAt',
        'error',
        'feedback',
        'id',
        'language',
        'level',
        'mode',
        'model',
        'partialAnswer',
        'provider',
        'question',
        'status',
        'subject',
        'turn',
        'updatedAt',
        'usage',
      ].sort(),
    );
    expect(response.json()).toMatchObject({
      id: asked.json().id,
      status: 'completed',
      language: 'pt-BR',
    });
  });

  it('reads an existing job by its id in uppercase too (UUIDs are case-insensitive)', async () => {
    const asked = await app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      payload: { question: 'What is a ribosome?' },
    });
    const id = asked.json().id as string;
    const response = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id.toUpperCase()}` });

    expect(response.statusCode).toBe(200);
    expect(response.json().id).toBe(id);
  });

  it('answers 404 problem+json for an unknown id', async () => {
    const id = randomUUID();
    const response = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` });

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 404, type: '/problems/not-found' });
    expect(response.json().detail).toContain(id);
  });

  it('answers 400 problem+json for an id that is not a UUID', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/jobs/not-a-uuid' });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().errors).toContainEqual(
      expect.objectContaining({ in: 'params', field: 'id' }),
    );
  });
});
