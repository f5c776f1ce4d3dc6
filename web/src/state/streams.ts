/**
 * The stream lifecycle of a conversation's turns: one JobStream per turn being answered, opened
 * by an ask or by reopening a pending turn, closed when it ends, on Stop, or when the student
 * leaves the conversation. A Stop before the job has an id waits for its first event.
 */
import { JobStream, type StreamSource } from '../api/stream.js';
import type { Job } from '../api/types.js';
import { turnError, type TurnError } from './errors.js';

export interface TurnStreamEvents {
  job(key: string, job: Job): void;
  delta(key: string, text: string): void;
  reset(key: string): void;
  done(key: string, job: Job): void;
  reconnecting(key: string, active: boolean): void;
  /** The stream gave up: an HTTP error answer (problem+json), never a network cut. */
  failed(key: string, error: TurnError): void;
}

export class TurnStreams {
  private readonly streams = new Map<string, JobStream>();
  private readonly stopRequested = new Set<string>();

  constructor(private readonly on: TurnStreamEvents) {}

  follow(key: string, source: StreamSource): void {
    const stream = new JobStream(source, {
      job: (job) => this.on.job(key, job),
      delta: (text) => this.on.delta(key, text),
      reset: () => this.on.reset(key),
      done: (job) => this.on.done(key, job),
      reconnecting: (active) => this.on.reconnecting(key, active),
    });
    this.streams.set(key, stream);
    stream.run().then(
      () => this.forget(key, stream),
      (error: unknown) => {
        if (!this.forget(key, stream)) return;
        this.on.failed(key, turnError(error));
      },
    );
  }

  /** The id of the job a turn's stream follows, once its first event named it. */
  jobIdOf(key: string): string | undefined {
    return this.streams.get(key)?.id;
  }

  /** Stop was asked before the job had an id: `takeStopRequest` reports it at the first event. */
  requestStop(key: string): void {
    this.stopRequested.add(key);
  }

  takeStopRequest(key: string): boolean {
    return this.stopRequested.delete(key);
  }

  close(key: string): void {
    this.streams.get(key)?.close();
    this.streams.delete(key);
  }

  closeAll(): void {
    for (const key of [...this.streams.keys()]) this.close(key);
    this.stopRequested.clear();
  }

  /** Removes the stream's entry; false when it had already been closed (its end is old news). */
  private forget(key: string, stream: JobStream): boolean {
    if (this.streams.get(key) !== stream) return false;
    this.streams.delete(key);
    return true;
  }
}
