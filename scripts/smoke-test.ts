/**
 * Post-deploy smoke test through the public URL (API Gateway): GET /health answers, then one ask
 * is answered end to end (api → SQS → worker → provider → DynamoDB → api). deploy.yml runs it
 * after both ECS services are stable; it exits 1, saying what failed, on anything else.
 *
 *   SMOKE_API_KEY=<key> npx tsx scripts/smoke-test.ts https://<id>.execute-api.<region>.amazonaws.com/<stage>/
 *
 * SMOKE_API_KEY is the key the usage plan expects on /api/v1 (sent as x-api-key, never printed).
 */
import { pathToFileURL } from 'node:url';

export interface SmokeOptions {
  /** The stage's base URL; paths are resolved under it, so the stage prefix is kept. */
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  /** Budget for the whole check, health retries and polling included. */
  readonly timeoutMs?: number;
  /** `Prefer: wait=N` on the ask: how long the api may hold the request for the answer. */
  readonly waitSeconds?: number;
  readonly pollIntervalMs?: number;
}

export interface SmokeResult {
  readonly jobId: string;
  readonly provider: string | null;
  readonly answerChars: number;
  readonly elapsedMs: number;
}

interface PublicJob {
  id: string;
  status: string;
  answer: string | null;
  provider: string | null;
  error?: { code: string; message: string } | null;
}

export class SmokeTestError extends Error {
  override name = 'SmokeTestError';
}

const QUESTION = 'Smoke test after a deploy: in one sentence, what is photosynthesis?';

export async function smokeTest(options: SmokeOptions): Promise<SmokeResult> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 120_000);
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  // A relative path resolved against a base ending in "/" keeps the stage prefix (/prod/...).
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const url = (path: string) => new URL(path, base);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers['x-api-key'] = options.apiKey;

  const health = await untilAnswered(url('health'), headers, deadline, pollIntervalMs);
  if (health.status !== 200 || (health.body as { status?: unknown })?.status !== 'ok') {
    throw new SmokeTestError(`GET /health answered ${health.status}: ${health.text}`);
  }

  const ask = await call(url('api/v1/ask'), deadline, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/json',
      prefer: `wait=${options.waitSeconds ?? 20}`,
    },
    body: JSON.stringify({ question: QUESTION }),
  });
  if (ask.status !== 200 && ask.status !== 202) {
    throw new SmokeTestError(`POST /api/v1/ask answered ${ask.status}: ${ask.text}`);
  }
  let job = ask.body as PublicJob;
  // Polled by id under the base URL: the Location header is a path without the stage prefix.
  while (job.status !== 'completed' && job.status !== 'failed') {
    if (Date.now() + pollIntervalMs > deadline) {
      throw new SmokeTestError(`job ${job.id} still ${job.status} when the time ran out`);
    }
    await sleep(pollIntervalMs);
    const poll = await call(url(`api/v1/jobs/${encodeURIComponent(job.id)}`), deadline, {
      headers,
    });
    if (poll.status !== 200) {
      throw new SmokeTestError(`GET /api/v1/jobs/${job.id} answered ${poll.status}: ${poll.text}`);
    }
    job = poll.body as PublicJob;
  }
  if (job.status === 'failed') {
    throw new SmokeTestError(
      `job ${job.id} failed: ${job.error?.code ?? 'unknown'}: ${job.error?.message ?? ''}`,
    );
  }
  if (typeof job.answer !== 'string' || job.answer.trim() === '') {
    throw new SmokeTestError(`job ${job.id} completed without an answer`);
  }
  return {
    jobId: job.id,
    provider: job.provider,
    answerChars: job.answer.length,
    elapsedMs: Date.now() - started,
  };
}

interface Answer {
  status: number;
  text: string;
  body: unknown;
}

async function call(target: URL, deadline: number, init: RequestInit): Promise<Answer> {
  // API Gateway cuts integrations at 29 s; no single request needs longer.
  const timeoutMs = Math.max(1000, Math.min(30_000, deadline - Date.now()));
  const response = await fetch(target, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, text: text.slice(0, 500), body };
}

/**
 * Right after a deploy the gateway can answer 5xx (or not connect) for a moment while targets
 * register: retried until the deadline. Any 4xx is final.
 */
async function untilAnswered(
  target: URL,
  headers: Record<string, string>,
  deadline: number,
  pauseMs: number,
): Promise<Answer> {
  for (;;) {
    let failure: string;
    try {
      const answer = await call(target, deadline, { headers });
      if (answer.status < 500) return answer;
      failure = `answered ${answer.status}: ${answer.text}`;
    } catch (error) {
      failure = `failed: ${String(error instanceof Error ? (error.cause ?? error.message) : error)}`;
    }
    if (Date.now() + pauseMs > deadline) {
      throw new SmokeTestError(`GET ${target.pathname} ${failure}`);
    }
    await sleep(pauseMs);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const baseUrl = process.argv[2];
  if (!baseUrl) {
    console.error('usage: SMOKE_API_KEY=<key> tsx scripts/smoke-test.ts <base-url>');
    process.exit(2);
  }
  try {
    const result = await smokeTest({ baseUrl, apiKey: process.env.SMOKE_API_KEY });
    console.log(JSON.stringify({ smokeTest: 'passed', baseUrl, ...result }));
  } catch (error) {
    console.error(`smoke test failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
