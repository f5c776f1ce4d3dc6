import { expect } from 'vitest';
import { ProviderError } from '../../src/domain/errors.js';

/** The ProviderError a provider call rejects with; fails the test if it resolves or throws anything else. */
export async function providerError(call: Promise<unknown>): Promise<ProviderError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** How a failure was classified: what the job records and what the retry policy decides on. */
export function classification(error: ProviderError) {
  return {
    code: error.code,
    retryable: error.retryable,
    status: error.options.status,
    retryAfterMs: error.options.retryAfterMs,
  };
}
