/**
 * Quotas off (issue 20: every QUOTA_* limit 0, unlimited): for tests and benches that measure the
 * model's path or ask more than a principal's day allows, as they say ANSWER_CACHE=off. The
 * quotas' own tests set the limits they show.
 */
export const QUOTAS_OFF = {
  QUOTA_QUESTIONS_PER_DAY: '0',
  QUOTA_GUEST_QUESTIONS_PER_DAY: '0',
  QUOTA_TOKENS_PER_DAY: '0',
  QUOTA_PENDING_JOBS: '0',
  QUOTA_OPEN_STREAMS: '0',
} as const;
