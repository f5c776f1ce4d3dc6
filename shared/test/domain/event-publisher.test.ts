/** Publishing while the event channel is down: the job goes on, and the logs stay readable. */
import { describe, expect, it } from 'vitest';
import { RedisEventChannel } from '../../src/adapters/redis/redis-event-channel.js';
import { EventPublisher } from '../../src/domain/event-publisher.js';
import { deadUrl } from '../support/fake-llm.js';
import { captureLogs } from '../support/logs.js';

describe('EventPublisher with the channel down', () => {
  it('resolves undefined instead of throwing, and warns once a job, not once an event', async () => {
    const logs = captureLogs('debug');
    // A real Redis client pointed at a port nobody listens on.
    const channel = new RedisEventChannel({
      url: (await deadUrl()).replace('http:', 'redis:'),
      cluster: false,
      ttlSeconds: 60,
      maxEventsPerJob: 100,
      logger: logs.logger,
    });
    const publisher = new EventPublisher(channel, logs.logger);
    try {
      const ids = [];
      for (let i = 0; i < 5; i++)
        ids.push(await publisher.publish('job-a', { type: 'delta', text: `${i}` }));
      ids.push(await publisher.publish('job-b', { type: 'delta', text: 'b' }));

      expect(ids).toEqual(Array.from({ length: 6 }, () => undefined));
      const lost = logs.entries().filter((line) => line.msg === 'job event not published');
      expect(lost).toHaveLength(6);
      const warned = lost.filter((line) => line.level === 'warn' || line.level === 40);
      expect(warned.map((line) => line.jobId)).toEqual(['job-a', 'job-b']);
    } finally {
      await channel.close();
    }
  });
});
