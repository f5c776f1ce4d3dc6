import type { AnswerRequest } from '../../src/domain/ports.js';

/** A student's question as the worker hands it to a provider. */
export function studyRequest(overrides: Partial<AnswerRequest> = {}): AnswerRequest {
  return {
    question: 'Why is the sky blue?',
    subject: 'physics',
    level: 'high school',
    language: 'pt-BR',
    model: null,
    ...overrides,
  };
}
