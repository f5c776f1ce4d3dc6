import type { JobEvent } from './events.js';
import { toPublicJob, type JobRecord } from './job.js';
import type { EventChannel, Logger } from './ports.js';

/**
 * Publishing as the domain does it: best effort. The event channel is never the source of truth,
 * so a failed publish is logged at warn and the job goes on; readers fall back to the store.
 */
export class EventPublisher {
  /** Jobs whose failed publishes were logged at warn: one line a job, not one a delta. */
  private readonly warned = new Set<string>();

  constructor(
    readonly channel: EventChannel,
    private readonly logger: Logger,
  ) {}

  async publish(jobId: string, event: JobEvent): Promise<string | undefined> {
    try {
      return await this.channel.publish(jobId, event);
    } catch (error) {
      const first = !this.warned.has(jobId);
      if (first) {
        if (this.warned.size >= 1000) this.warned.clear();
        this.warned.add(jobId);
      }
      // A down channel fails every delta of every job (about 20 a second each).
      (first ? this.logger.warn : this.logger.debug).call(
        this.logger,
        { jobId, event: event.type, err: error },
        'job event not published',
      );
      return undefined;
    }
  }

  /** A job's status changed. */
  status(job: JobRecord): Promise<string | undefined> {
    return this.publish(job.id, { type: 'job', job: toPublicJob(job) });
  }

  /** A job settled: its final state, after which its stream ends. */
  done(job: JobRecord): Promise<string | undefined> {
    return this.publish(job.id, { type: 'done', job: toPublicJob(job) });
  }
}
