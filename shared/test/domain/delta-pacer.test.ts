import { describe, expect, it } from 'vitest';
import { MemoryEventChannel } from '../../src/adapters/memory/event-channel.js';
import { DeltaPacer, DELTAS_PER_SECOND } from '../../src/domain/delta-pacer.js';
import { EventPublisher } from '../../src/domain/event-publisher.js';
import { captureLogs } from '../support/logs.js';

function setUp() {
  const channel = new MemoryEventChannel({ ttlSeconds: 60, maxEventsPerJob: 10_000, maxJobs: 100 });
  const publisher = new EventPublisher(channel, captureLogs().logger);
  return { channel, stream: new DeltaPacer(publisher, 'job-1') };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('DeltaPacer', () => {
  it('joins a fast provider’s pieces into at most about 20 events a second, text whole and in order', async () => {
    const { channel, stream } = setUp();
    const pieces = Array.from({ length: 300 }, (_, i) => `p${i} `);
    const started = performance.now();
    for (const piece of pieces) {
      stream.write(piece);
      await tick();
    }
    await stream.flush();
    const seconds = (performance.now() - started) / 1000;

    const events = await channel.read('job-1', channel.origin);
    expect(events.map((event) => (event.type === 'delta' ? event.text : '')).join('')).toBe(
      pieces.join(''),
    );
    // The bucket's two back-to-back events, the final flush, and the rate over the run.
    expect(events.length).toBeLessThanOrEqual(3 + Math.ceil(seconds * DELTAS_PER_SECOND));
    expect(events.length).toBeGreaterThan(1);
  });

  it('sends the first piece at once', async () => {
    const { channel, stream } = setUp();
    stream.write('First ');
    await tick();
    expect(await channel.read('job-1', channel.origin)).toMatchObject([
      { type: 'delta', text: 'First ' },
    ]);
  });

  it('publishes reset on a restart only when text already went out, and drops what was buffered', async () => {
    const { channel, stream } = setUp();
    stream.restart('retry');
    stream.write('a ');
    stream.write('b ');
    stream.write('c ');
    stream.restart('fallback');
    stream.write('fresh');
    await stream.flush();

    const events = await channel.read('job-1', channel.origin);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('delta');
    expect(types.filter((type) => type === 'reset')).toHaveLength(1);
    const afterReset = events.slice(types.lastIndexOf('reset') + 1);
    expect(afterReset.map((event) => (event.type === 'delta' ? event.text : '')).join('')).toBe(
      'fresh',
    );
  });

  it('publishes nothing more once discarded', async () => {
    const { channel, stream } = setUp();
    stream.write('one ');
    await stream.flush();
    stream.write('two ');
    stream.write('three ');
    stream.discard();
    stream.write('four');
    await stream.flush();

    const events = await channel.read('job-1', channel.origin);
    expect(events.map((event) => event.type === 'delta' && event.text)).toEqual(['one ']);
    // What a cancelled job keeps: the text that went out, not what was still buffered.
    expect(await stream.streamedText()).toBe('one ');
  });

  it('remembers the text published since the last reset', async () => {
    const { stream } = setUp();
    stream.write('old ');
    await stream.flush();
    stream.restart('retry');
    stream.write('new ');
    await stream.flush();
    stream.write('text');
    await stream.flush();
    expect(await stream.streamedText()).toBe('new text');
  });
});
