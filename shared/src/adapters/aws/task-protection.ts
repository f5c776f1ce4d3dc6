import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../domain/ports.js';

export interface TaskProtectionOptions {
  /** `ECS_AGENT_URI`, which ECS sets in every task (Fargate platform 1.4 and later). */
  agentUri: string;
  logger: Logger;
  /** Protection lapses on its own after this long, so a hung worker cannot block scale-in forever. */
  expiresInMinutes?: number;
  /** Idle this long before protection is dropped, so a busy worker does not toggle it per job. */
  releaseDelayMs?: number;
  /**
   * Longest stretch of continuous protection. Under steady load a worker is never idle, so it
   * would renew for ever and ECS could never stop it: a deployment would hang (without tripping
   * the circuit breaker) and a scale-in would never happen. Past this, a bound worker yields.
   */
  maxProtectedMs?: number;
  /** How long a yielding worker stays unprotected and idle, for ECS to stop it if it wants to. */
  releaseWindowMs?: number;
}

/** The job intake a bound TaskProtection pauses while it yields (the worker's job source). */
export interface PausableJobs {
  /** Stops taking jobs (polls under way may finish); the jobs in hand go on. */
  pause(): Promise<void>;
  /** Takes jobs again. */
  resume(): void;
}

/**
 * ECS task scale-in protection while the worker holds a job: when auto scaling removes worker
 * tasks, it picks unprotected (idle) ones, so a scale-in never stops a job mid-call. Calls the ECS
 * agent's task-protection endpoint; a failure is logged, never fatal (SIGTERM's drain and SQS
 * redelivery remain the backstop).
 *
 * Continuous protection is bounded (`bound()`): once protected for `maxProtectedMs`, the worker
 * stops taking jobs, lets the ones in hand finish, releases protection, stays idle for
 * `releaseWindowMs` (a waiting deployment or scale-in stops the task now, with nothing to lose),
 * then takes jobs again.
 */
export class TaskProtection {
  private readonly url: string;
  private readonly expiresInMinutes: number;
  private readonly releaseDelayMs: number;
  private readonly maxProtectedMs: number;
  private readonly releaseWindowMs: number;
  private inFlight = 0;
  private protectedUntil = 0;
  /** When the current stretch of protection began; undefined while unprotected. */
  private protectedSince: number | undefined;
  private releaseTimer: NodeJS.Timeout | undefined;
  /** Requests to the agent go one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private jobs: PausableJobs | undefined;
  private yielding: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly closing = new AbortController();

  constructor(private readonly options: TaskProtectionOptions) {
    this.url = `${options.agentUri.replace(/\/$/, '')}/task-protection/v1/state`;
    this.expiresInMinutes = options.expiresInMinutes ?? 15;
    this.releaseDelayMs = options.releaseDelayMs ?? 10_000;
    this.maxProtectedMs = options.maxProtectedMs ?? 15 * 60_000;
    this.releaseWindowMs = options.releaseWindowMs ?? 60_000;
  }

  /** Bounds continuous protection by pausing `jobs` when it has lasted `maxProtectedMs`. */
  bound(jobs: PausableJobs): void {
    this.jobs = jobs;
  }

  /** Runs `work` with the task protected. */
  async around<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    clearTimeout(this.releaseTimer);
    // Renew well before the protection lapses while jobs keep coming.
    if (Date.now() > this.protectedUntil - (this.expiresInMinutes * 60_000) / 2) {
      this.protectedSince ??= Date.now();
      this.protectedUntil = Date.now() + this.expiresInMinutes * 60_000;
      this.send(true);
    }
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.overdue()) {
        this.yielding = this.yieldTask().finally(() => (this.yielding = undefined));
      }
      if (this.inFlight === 0) {
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        if (!this.yielding) {
          this.releaseTimer = setTimeout(() => void this.release(), this.releaseDelayMs);
          this.releaseTimer.unref();
        }
      }
    }
  }

  /** Drops protection now (at shutdown, or after the idle delay); waits for the agent's answer. */
  async release(): Promise<void> {
    clearTimeout(this.releaseTimer);
    if (this.inFlight > 0 || this.protectedUntil === 0) return this.queue;
    this.protectedUntil = 0;
    this.protectedSince = undefined;
    this.send(false);
    return this.queue;
  }

  /**
   * At shutdown: a yield under way finishes its drain but does not take jobs again; protection is
   * dropped once nothing is in hand, or after `timeoutMs` (when the jobs left are given up).
   */
  async close(timeoutMs: number): Promise<void> {
    this.closing.abort();
    await this.yielding;
    if (this.inFlight > 0) {
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await Promise.race([idle, sleep(timeoutMs, undefined, { ref: false })]);
    }
    await this.release();
  }

  private overdue(): boolean {
    return (
      this.jobs !== undefined &&
      this.yielding === undefined &&
      !this.closing.signal.aborted &&
      this.protectedSince !== undefined &&
      Date.now() - this.protectedSince >= this.maxProtectedMs
    );
  }

  private async yieldTask(): Promise<void> {
    const jobs = this.jobs!;
    const protectedForMs = Date.now() - (this.protectedSince ?? Date.now());
    this.options.logger.info(
      { protectedForMs, inHand: this.inFlight, releaseWindowMs: this.releaseWindowMs },
      'protected too long: finishing the jobs in hand, then unprotected so ECS may stop this task',
    );
    await jobs.pause();
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.release();
    try {
      await sleep(this.releaseWindowMs, undefined, { signal: this.closing.signal });
    } catch {
      return; // shutting down: the task is being stopped anyway
    }
    if (this.closing.signal.aborted) return;
    this.options.logger.info({}, 'taking jobs again after the unprotected window');
    jobs.resume();
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
