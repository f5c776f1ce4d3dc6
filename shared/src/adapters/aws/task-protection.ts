import type { Logger } from '../../domain/ports.js';

export interface TaskProtectionOptions {
  /** `ECS_AGENT_URI`, which ECS sets in every task (Fargate platform 1.4 and later). */
  agentUri: string;
  logger: Logger;
  /** Protection lapses on its own after this long, so a hung worker cannot block scale-in forever. */
  expiresInMinutes?: number;
  /** Idle this long before protection is dropped, so a busy worker does not toggle it per job. */
  releaseDelayMs?: number;
}

/**
 * ECS task scale-in protection while the worker holds a job: when auto scaling removes worker
 * tasks, it picks unprotected (idle) ones, so a scale-in never stops a job mid-call. Calls the ECS
 * agent's task-protection endpoint; a failure is logged, never fatal (SIGTERM's drain and SQS
 * redelivery remain the backstop).
 */
export class TaskProtection {
  private readonly url: string;
  private readonly expiresInMinutes: number;
  private readonly releaseDelayMs: number;
  private inFlight = 0;
  private protectedUntil = 0;
  private releaseTimer: NodeJS.Timeout | undefined;
  /** Requests to the agent go one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: TaskProtectionOptions) {
    this.url = `${options.agentUri.replace(/\/$/, '')}/task-protection/v1/state`;
    this.expiresInMinutes = options.expiresInMinutes ?? 15;
    this.releaseDelayMs = options.releaseDelayMs ?? 10_000;
  }

  /** Runs `work` with the task protected. */
  async around<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    clearTimeout(this.releaseTimer);
    // Renew well before the protection lapses while jobs keep coming.
    if (Date.now() > this.protectedUntil - (this.expiresInMinutes * 60_000) / 2) {
      this.protectedUntil = Date.now() + this.expiresInMinutes * 60_000;
      this.send(true);
    }
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) {
        this.releaseTimer = setTimeout(() => this.release(), this.releaseDelayMs);
        this.releaseTimer.unref();
      }
    }
  }

  /** Drops protection now (at shutdown, or after the idle delay); waits for the agent's answer. */
  async release(): Promise<void> {
    clearTimeout(this.releaseTimer);
    if (this.inFlight > 0 || this.protectedUntil === 0) return this.queue;
    this.protectedUntil = 0;
    this.send(false);
    return this.queue;
  }

  private send(enabled: boolean): void {
    const body = enabled
      ? { ProtectionEnabled: true, ExpiresInMinutes: this.expiresInMinutes }
      : { ProtectionEnabled: false };
    this.queue = this.queue.then(async () => {
      try {
        const response = await fetch(this.url, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(5000),
        });
        const answer = (await response.json().catch(() => ({}))) as { failure?: unknown };
        if (!response.ok || answer.failure) {
          this.options.logger.warn(
            { status: response.status, failure: answer.failure, enabled },
            'task scale-in protection not changed',
          );
        } else {
          this.options.logger.debug({ enabled }, 'task scale-in protection changed');
        }
      } catch (error) {
        this.options.logger.warn(
          { err: error, enabled },
          'ECS agent unreachable for task protection',
        );
      }
    });
  }
}
