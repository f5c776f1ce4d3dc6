/**
 * The one description of the AWS resources the data path needs. The CDK stack (infra/) and
 * `npm run aws:bootstrap` (local moto/LocalStack) both build from these values, so what runs
 * locally is what is deployed.
 */
export const jobsTable = {
  /**
   * Partition key: `job#<uuid>` for jobs, `idem#<scope>#<key>` for idempotency records (the scope
   * is the principal's id),
   * `conv#<uuid>` for conversations (settings, `lastTurn` and the ordered job ids of their turns).
   */
  partitionKey: 'pk',
  /** Epoch seconds after which DynamoDB TTL may delete the item (JOB_TTL_DAYS). */
  ttlAttribute: 'expiresAt',
  /**
   * What each principal owns, found without a scan: conversations (`ownerSort` `conv#<updatedAt>#<id>`,
   * so a query lists them most recently updated first) and Idempotency-Key records
   * (`idem#<key>`). Sparse: job items carry `ownerId` but no `ownerSort`, so they stay out (they
   * are reached through their conversation). All attributes projected: a list needs no second read.
   */
  ownerIndex: { name: 'by-owner', partitionKey: 'ownerId', sortKey: 'ownerSort' },
} as const;

export const jobsQueue = {
  /**
   * Longer than one provider call (LLM_TIMEOUT_SECONDS, default 60 s); the worker's heartbeat
   * extends it while a slow call runs, so a crashed worker's job reappears after at most this long.
   */
  visibilityTimeoutSeconds: 120,
  /** Deliveries before SQS moves a message to the dead-letter queue. */
  maxReceiveCount: 5,
  retentionSeconds: 4 * 24 * 60 * 60,
  deadLetterRetentionSeconds: 14 * 24 * 60 * 60,
  /** Long polling: fewer empty receives, lower cost. */
  receiveWaitTimeSeconds: 20,
} as const;

/** How the worker holds a job while it works on it (see composition/aws.ts workerTimings). */
export const workerSettings = {
  /**
   * The worker hides a message in hand again and renews its job's lease this many times per
   * visibility timeout, so one slow or lost heartbeat call does not expose a live job.
   */
  heartbeatsPerVisibilityTimeout: 3,
  /**
   * A dead-letter message that is not a job message cannot settle any job; it stays in the
   * dead-letter queue for a person to inspect and is looked at again only this often.
   */
  deadLetterPoisonRedeliverySeconds: 12 * 60 * 60,
} as const;

/** What API Gateway tells the api service about each request. */
export const gatewaySettings = {
  /**
   * The integration request header API Gateway sets to `$context.identity.apiKeyId`, overwriting
   * any value a client sent: the api scopes Idempotency-Keys to it.
   */
  callerHeader: 'x-iscoolgpt-caller',
} as const;

/** Default physical names used by local bootstrap; the CDK stack prefixes them with the environment. */
export const defaultResourceNames = {
  table: 'iscoolgpt-jobs',
  queue: 'iscoolgpt-jobs',
  deadLetterQueue: 'iscoolgpt-jobs-dlq',
} as const;
