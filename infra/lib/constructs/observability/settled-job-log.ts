/**
 * The worker's structured line for a job it settled (shared/src/domain/job-processor.ts logs
 * `'job settled'` with the job's status and, for a failure, its error code). The log metric
 * filters that count failed jobs by error code match these fields; services/worker's test
 * checks a real failed job's line against them. No CDK import here: the worker test reads it.
 */
export const SETTLED_JOB_LOG = {
  /** Fields every settled-job line has, with their values (pino's message key is `msg`). */
  settled: { msg: 'job settled' },
  /** The field and value that mark a failed job. */
  failed: { status: 'failed' },
  /** The field holding a failed job's error code (JOB_ERROR_CODES). */
  codeField: 'code',
} as const;
