/**
 * The CloudWatch metric names the services write (EmfMetrics) and the stack's dashboard and
 * alarms read (infra), in a module of its own so that synthesizing loads nothing else. Metrics
 * with a dimension are also written without it (the totals).
 */
export const EMF_METRICS = {
  jobsSettled: 'JobsSettled',
  jobsFailed: 'JobsFailed',
  jobDuration: 'JobDuration',
  timeToFirstDelta: 'TimeToFirstDelta',
  inputTokens: 'InputTokens',
  outputTokens: 'OutputTokens',
  costUsd: 'CostUsd',
  quotaDenied: 'QuotaDenied',
  quotaUnchecked: 'QuotaUnchecked',
  cacheLookups: {
    hit: 'AnswerCacheHits',
    miss: 'AnswerCacheMisses',
    bypass: 'AnswerCacheBypasses',
  },
  cacheEvictions: 'AnswerCacheEvictions',
  cacheSavedUsd: 'AnswerCacheSavedUsd',
} as const;
