import { beforeEach, describe, expect, it } from 'vitest';
import type { CallOutcome } from '../../src/domain/ports.js';
import { OpenAIProvider } from '../../src/providers/openai.js';
import { retryingCall, type RetryPolicyOptions } from '../../src/providers/retry.js';
import { openaiWire, useFakeLlmServer } from '../support/fake-llm.js';
import { captureLogs } from '../support/logs.js';
import { studyRequest } from '../support/requests.js';

const KEY = 'sk-test-retry-0123456789abcdef';
const request = studyRequest({ question: 'What is a derivative?', subject: 'math' });
const rateLimited = (headers: Record<string, string> = { 'retry-after-ms': '10' }) =>
  openaiWire.error(
    429,
    { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' },
    headers,
  );
const serverError = openaiWire.error(500, {
  message: 'The server had an error',
  type: 'server_error',
});

const upstream = useFakeLlmServer();
let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs();
});

function ask(policy: Partial<RetryPolicyOptions> = {}, signal?: AbortSignal) {
  const call = retryingCall({
    maxAttempts: 3,
    timeoutMs: 5_000,
    minDelayMs: 1,
    maxDelayMs: 5,
    logger: logs.logger,
    ...policy,
  });
  const provider = new OpenAIProvider({
    apiKey: KEY,
    model: 'gpt-4o-mini',
    baseURL: `${upstream.url}/v1`,
    maxOutputTokens: 1024,
  });
  return call(provider, request, { signal });
}

function failed(outcome: CallOutcome) {
  if (outcome.ok) throw new Error(`expected a failure, got the answer ${outcome.answer.text}`);
  return outcome;
}

describe('the retry policy', () => {
  it('retries 429 until the provider answers, counting every call', async () => {
    upstream.reply(rateLimited(), rateLimited(), openaiWire.completion('A derivative is…'));

    const outcome = await ask();

    expect(outcome).toMatchObject({ ok: true, attempts: 3, answer: { text: 'A derivative is…' } });
    expect(upstream.requests).toHaveLength(3);
  });

  it('waits at least as long as retry-after-ms asks before calling again', async () => {
    upstream.reply(rateLimited({ 'retry-after-ms': '150' }), openaiWire.completion('ok'));

    await ask();

    const [first, second] = upstream.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(150);
  });

  it('waits at least as long as retry-after (seconds) asks', async () => {
    upstream.reply(rateLimited({ 'retry-after': '0.2' }), openaiWire.completion('ok'));

    await ask();

    const [first, second] = upstream.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(200);
  });

  it('gives up on a provider that asks to wait longer than the cap, leaving the error retryable', async () => {
    upstream.reply(rateLimited({ 'retry-after': '60' }), openaiWire.completion('too late'));

    const outcome = failed(await ask({ maxRetryAfterMs: 1_000 }));

    expect(outcome.attempts).toBe(1);
    expect(outcome.error).toMatchObject({ code: 'provider_rate_limited', retryable: true });
    expect(upstream.requests).toHaveLength(1);
  });

  it('stops after maxAttempts calls when the provider keeps failing', async () => {
    upstream.otherwise(serverError);

    const outcome = failed(await ask({ maxAttempts: 4 }));

    expect(outcome).toMatchObject({ attempts: 4, provider: 'openai' });
    expect(outcome.error.code).toBe('provider_unavailable');
    expect(upstream.requests).toHaveLength(4);
  });

  it('starts no retry once maxElapsedMs has passed', async () => {
    upstream.otherwise({ ...serverError, delayMs: 60 });

    const outcome = failed(await ask({ maxAttempts: 10, maxElapsedMs: 100 }));

    expect(outcome.attempts).toBeLessThan(10);
    expect(upstream.requests).toHaveLength(outcome.attempts);
  });

  it.each([
    { status: 400, code: 'provider_bad_request' },
    { status: 401, code: 'provider_auth' },
    { status: 403, code: 'provider_auth' },
    { status: 404, code: 'provider_bad_request' },
    { status: 422, code: 'provider_bad_request' },
  ])('does not retry $status', async ({ status, code }) => {
    upstream.otherwise(openaiWire.error(status, { message: 'no', type: 'invalid_request_error' }));

    const outcome = failed(await ask());

    expect(outcome.attempts).toBe(1);
    expect(outcome.error.code).toBe(code);
    expect(upstream.requests).toHaveLength(1);
  });

  it('does not retry a content-filter refusal', async () => {
    upstream.otherwise(
      openaiWire.completion('', { content: null, finishReason: 'content_filter' }),
    );

    const outcome = failed(await ask());

    expect(outcome).toMatchObject({ attempts: 1, error: { code: 'content_filtered' } });
  });

  it.each([408, 409, 502, 503, 504])('retries %s', async (status) => {
    upstream.reply(openaiWire.error(status, { message: 'try again', type: 'server_error' }));
    upstream.otherwise(openaiWire.completion('ok'));

    expect(await ask()).toMatchObject({ ok: true, attempts: 2 });
  });

  it('abandons a call after timeoutMs as provider_timeout', async () => {
    upstream.otherwise({ ...openaiWire.completion('too slow'), delayMs: 2_000 });

    const outcome = failed(await ask({ maxAttempts: 1, timeoutMs: 100 }));

    expect(outcome).toMatchObject({ attempts: 1, error: { code: 'provider_timeout' } });
    expect(outcome.error.message).toBe('openai did not answer within 0.1 s');
  });

  it('retries a timed-out call', async () => {
    upstream.reply({ ...openaiWire.completion('too slow'), delayMs: 2_000 });
    upstream.otherwise(openaiWire.completion('in time'));

    const outcome = await ask({ timeoutMs: 100, maxElapsedMs: 5_000 });

    expect(outcome).toMatchObject({ ok: true, attempts: 2, answer: { text: 'in time' } });
  });

  it('stops at once when the caller cancels, without retrying', async () => {
    upstream.otherwise({ ...openaiWire.completion('never read'), delayMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const outcome = failed(await ask({}, controller.signal));

    expect(outcome.attempts).toBe(1);
    expect(outcome.error.message).toBe('The provider call was cancelled');
    expect(upstream.requests).toHaveLength(1);
  });

  it('logs each failed call with the provider, attempt and code, and never the key', async () => {
    upstream.reply(
      rateLimited(),
      openaiWire.error(401, {
        message: `Incorrect API key provided: ${KEY}`,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      }),
    );

    await ask();

    const failures = logs.entries().filter((entry) => entry.msg === 'provider call failed');
    expect(failures).toEqual([
      expect.objectContaining({
        provider: 'openai',
        attempt: 1,
        code: 'provider_rate_limited',
        status: 429,
        retryable: true,
        retryAfterMs: 10,
      }),
      expect.objectContaining({
        provider: 'openai',
        attempt: 2,
        code: 'provider_auth',
        status: 401,
        retryable: false,
      }),
    ]);
    expect(logs.text()).not.toContain(KEY);
  });
});
