/**
 * One job's event stream (server-sent events read with fetch, so that the first connection can be
 * the POST of the ask itself and a reconnection can send `Last-Event-ID` when it chooses: neither
 * is possible with EventSource). Resume is the server's log: after a cut the stream reconnects to
 * `GET /jobs/{id}/events` with the last event id it saw and receives exactly the events after it.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { api, API_BASE } from './client.js';
import { apiFetch } from './fetch.js';
import { ApiError, toApiError } from './problem.js';
import { MAX_ATTEMPTS, retryable, retryDelay } from './retry.js';
import { isPending, type AskBody, type Job } from './types.js';

export interface StreamHandlers {
  job(job: Job): void;
  delta(text: string): void;
  reset(reason: string): void;
  done(job: Job): void;
  /** The connection dropped and the stream is trying again (true), or it is receiving (false). */
  reconnecting(active: boolean): void;
}

export type StreamSource =
  { kind: 'ask'; body: AskBody; idempotencyKey: string } | { kind: 'job'; jobId: string };

/** The server sends a comment at least every 15 s: this much silence means a dead connection. */
const SILENCE_LIMIT_MS = 40_000;

export class JobStream {
  private jobId: string | undefined;
  private lastEventId: string | undefined;
  private controller: AbortController | undefined;
  private closed = false;
  private finished = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly source: StreamSource,
    private readonly on: StreamHandlers,
  ) {
    if (source.kind === 'job') this.jobId = source.jobId;
  }

  get id(): string | undefined {
    return this.jobId;
  }

  /**
   * Follows the job until its `done` event or `close()`. Network failures are retried (forever,
   * with backoff: a student on a train gets the answer when the train leaves the tunnel); answers
   * that say "later" (429, 502–504) are retried the same way, honouring `Retry-After`, up to
   * MAX_ATTEMPTS in a row; any other HTTP error answer rejects with an ApiError.
   */
  async run(): Promise<void> {
    const onOffline = () => this.controller?.abort();
    const onOnline = () => this.wake?.();
    window.addEventListener('offline', onOffline);
    window.addEventListener('online', onOnline);
    try {
      let failures = 0;
      let refusals = 0;
      while (!this.closed && !this.finished) {
        let progressed = false;
        let refusal: ApiError | undefined;
        try {
          progressed = await this.connect();
        } catch (error) {
          if (error instanceof ApiError) {
            if (!retryable(error) || ++refusals >= MAX_ATTEMPTS) throw error;
            refusal = error;
          }
          // Otherwise a network failure, an abort for going offline, or a silent connection.
        }
        if (this.closed || this.finished) return;
        if (!refusal) refusals = 0;
        failures = progressed ? 0 : failures + 1;
        // A refused ask has no job yet: it is still waiting, not reconnecting.
        if (!refusal || this.jobId !== undefined) this.on.reconnecting(true);
        await this.pause(retryDelay(Math.max(0, failures - 1), refusal?.retryAfterMs));
      }
    } finally {
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
    }
  }

  /** Stops reading (the job itself goes on unless the caller cancels it). */
  close(): void {
    this.closed = true;
    this.controller?.abort();
    this.wake?.();
  }

  /** One connection. Resolves true when at least one event arrived. */
  private async connect(): Promise<boolean> {
    const controller = new AbortController();
    this.controller = controller;
    const response = await apiFetch(this.url(), {
      ...this.request(),
      signal: controller.signal,
    });
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204 && this.jobId !== undefined) {
      // The server has nothing after our last event id: the job is over; read how it ended.
      this.on.reconnecting(false);
      this.finish(await api.getJob(this.jobId));
      return true;
    }

    if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      // A JSON answer (a server or proxy that does not stream): take the job as it is, and follow
      // it on its events endpoint if it is still pending.
      const job = (await response.json()) as Job;
      this.jobId = job.id;
      this.on.job(job);
      if (!isPending(job.status)) this.finish(job);
      return true;
    }

    let progressed = false;
    const parser = createParser({
      onEvent: (message) => {
        progressed = true;
        this.handle(message);
      },
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let silence = setTimeout(() => controller.abort(), SILENCE_LIMIT_MS);
    this.on.reconnecting(false);
    try {
      while (!this.finished) {
        const { value, done } = await reader.read();
        if (done) break;
        clearTimeout(silence);
        silence = setTimeout(() => controller.abort(), SILENCE_LIMIT_MS);
        parser.feed(value);
      }
    } finally {
      clearTimeout(silence);
      if (this.finished) controller.abort();
    }
    return progressed;
  }

  private url(): string {
    // Until the job's id is known (its first event), the ask is retried with the same
    // Idempotency-Key: the server replays the same job instead of creating a second one.
    if (this.jobId === undefined && this.source.kind === 'ask') return `${API_BASE}/ask`;
    return `${API_BASE}/jobs/${this.jobId}/events`;
  }

  private request(): RequestInit {
    if (this.jobId === undefined && this.source.kind === 'ask') {
      return {
        method: 'POST',
        headers: {
          accept: 'text/event-stream',
          'content-type': 'application/json',
          'idempotency-key': this.source.idempotencyKey,
        },
        body: JSON.stringify(this.source.body),
      };
    }
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
    return { headers };
  }

  private handle(message: EventSourceMessage): void {
    if (this.finished || this.closed) return;
    if (message.id) this.lastEventId = message.id;
    switch (message.event) {
      case 'job': {
        const job = JSON.parse(message.data) as Job;
        this.jobId = job.id;
        this.on.job(job);
        return;
      }
      case 'delta':
        this.on.delta((JSON.parse(message.data) as { text: string }).text);
        return;
      case 'reset':
        this.on.reset((JSON.parse(message.data) as { reason?: string }).reason ?? '');
        return;
      case 'done':
        this.finish(JSON.parse(message.data) as Job);
        return;
      default:
      // An event this client does not know: a newer server; ignore it.
    }
  }

  private finish(job: Job): void {
    this.finished = true;
    this.on.done(job);
  }

  /** Waits before reconnecting; coming back online (or close) cuts the wait short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, navigator.onLine ? ms : Math.max(ms, 5000));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
