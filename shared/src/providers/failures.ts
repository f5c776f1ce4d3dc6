/**
 * How a provider's failure becomes a ProviderError: one table for every provider, so the same
 * upstream answer gets the same code, message and retry decision whichever SDK saw it.
 * Messages are built here from the status and the upstream's error code only; upstream messages
 * are never copied, because some of them quote part of the key (OpenAI's 401 does).
 */
import { ProviderError } from '../domain/errors.js';
import type { ProviderName } from '../domain/job.js';

/** Who failed, for messages: the display name and the variable an operator would fix. */
export interface ProviderLabel {
  label: string;
  keyVariable: string;
}

/** A real provider: its name in jobs and requests, and how messages call it. */
export interface ProviderIdentity extends ProviderLabel {
  name: ProviderName;
}

/** What a failed HTTP response says about itself. */
export interface HttpFailure {
  status: number;
  /** The upstream's machine-readable error code or type, e.g. `insufficient_quota`. */
  code?: string | undefined;
  retryAfterMs?: number | undefined;
}

/** Upstream codes that mean the content filter refused (OpenAI, Azure OpenAI). */
const CONTENT_FILTER_CODES = new Set(['content_filter', 'content_policy_violation']);
/** A 429 with this code is an empty account, which waiting does not refill. */
const QUOTA_CODES = new Set(['insufficient_quota']);

export function classifyHttpFailure(who: ProviderLabel, failure: HttpFailure): ProviderError {
  const { status, retryAfterMs } = failure;
  const code = safeCode(failure.code);
  const said = `HTTP ${status}${code ? ` ${code}` : ''}`;
  const error = (
    jobCode: ConstructorParameters<typeof ProviderError>[0],
    message: string,
    retryable: boolean,
  ) => new ProviderError(jobCode, message, { retryable, status, retryAfterMs });

  if (code && CONTENT_FILTER_CODES.has(code)) return contentFiltered(who, status);
  if (status === 401 || status === 403) {
    return error(
      'provider_auth',
      `${who.label} rejected the credentials (${said}); check ${who.keyVariable}`,
      false,
    );
  }
  if (status === 408) return error('provider_timeout', `${who.label} timed out (${said})`, true);
  if (status === 429) {
    if (code && QUOTA_CODES.has(code)) {
      return error('provider_rate_limited', `${who.label} quota is exhausted (${said})`, false);
    }
    return error('provider_rate_limited', `${who.label} is rate limiting requests (${said})`, true);
  }
  if (status === 409 || status >= 500) {
    return error('provider_unavailable', `${who.label} is unavailable (${said})`, true);
  }
  if (status === 404) {
    return error(
      'provider_bad_request',
      `${who.label} does not know the model or endpoint (${said})`,
      false,
    );
  }
  if (status >= 400) {
    return error('provider_bad_request', `${who.label} rejected the request (${said})`, false);
  }
  return badResponse(who, `unexpected HTTP ${status}`);
}

export function contentFiltered(who: ProviderLabel, status?: number): ProviderError {
  return new ProviderError(
    'content_filtered',
    `${who.label} declined to answer: its content filter flagged the question or the answer`,
    { retryable: false, status },
  );
}

/** A 2xx whose body is not a usable chat completion. */
export function badResponse(who: ProviderLabel, why: string): ProviderError {
  return new ProviderError(
    'provider_bad_response',
    `${who.label} sent a response that is not a usable chat completion (${why})`,
    { retryable: false },
  );
}

export function unreachable(who: ProviderLabel): ProviderError {
  return new ProviderError('provider_unavailable', `${who.label} could not be reached`, {
    retryable: true,
  });
}

/**
 * `retry-after-ms` (OpenAI's, milliseconds) wins over `retry-after` (seconds or an HTTP date).
 * Undefined when absent or unreadable; never negative.
 */
export function retryAfterMs(headers: Pick<Headers, 'get'> | undefined): number | undefined {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis)) return Math.max(0, millis);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Keeps an upstream code only if it looks like an identifier, so no free text reaches a message. */
function safeCode(code: string | undefined): string | undefined {
  return code && /^[A-Za-z0-9_.:-]{1,64}$/.test(code) ? code : undefined;
}
