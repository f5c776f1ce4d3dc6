/**
 * The run's Redis server (provisioned once by global-setup.ts), for suites that share it. Suites
 * isolate by key (every job id is random), so no suite flushes it.
 */
import { inject } from 'vitest';

export function localRedisUrl(): string {
  const localRedis = inject('localRedis');
  if ('error' in localRedis) {
    throw new Error(`Local Redis could not be provisioned: ${localRedis.error}`);
  }
  return localRedis.url;
}
