/**
 * What the worker reads to ask for a turn of a long conversation: only the earlier turns that
 * can fit the context budget (newest first, up to the first that does not fit), not every job
 * of the conversation; and exactly the history the prompt would have kept from all of them.
 */
import { describe, expect, it, vi } from 'vitest';
import { MemoryJobStore } from '../../src/adapters/memory/job-store.js';
import type { ConversationRecord } from '../../src/domain/conversation.js';
import type { JobRecord } from '../../src/domain/job.js';
import { nextConversation } from '../../src/domain/new-turn.js';
import { turnRequest } from '../../src/domain/turn-request.js';
import { fittingHistory } from '../../src/providers/prompt.js';
import { newJob } from '../support/jobs.js';

/** A conversation of `turns` completed turns, each answer about 400 tokens, and a pending last. */
async function longConversation(store: MemoryJobStore, turns: number): Promise<JobRecord> {
  const conversationId = crypto.randomUUID();
  let conversation: ConversationRecord | undefined;
  let job: JobRecord | undefined;
  for (let turn = 1; turn <= turns; turn++) {
    job = newJob({ conversationId, turn, question: `Question number ${turn}?` });
    conversation = nextConversation(conversation, job, new Date());
    await store.startTurn(job, { conversation, expectedLastTurn: turn - 1 });
    if (turn < turns) {
      await store.settle(
        job.id,
        {
          status: 'completed',
          answer: `Answer ${turn}: ${'the mitochondria is the powerhouse of the cell. '.repeat(40)}`,
          provider: 'openai',
          model: 'gpt-4o-mini',
          usage: { inputTokens: 1, outputTokens: 1, costUsd: 0.000001 },
          attempts: 1,
        },
        new Date(),
        { from: ['queued'], beforeDeadline: false },
      );
    }
  }
  return job!;
}

describe('turnRequest on a long conversation', () => {
  it('reads only the turns that can fit, and keeps the same ones the prompt would', async () => {
    const store = new MemoryJobStore({ maxJobs: 1000 });
    const last = await longConversation(store, 200);
    const everything = await turnRequest(store, last, 3000);
    const read = vi.spyOn(store, 'getMany');

    const request = await turnRequest(store, last, 3000, fittingHistory);

    const idsRead = read.mock.calls.reduce((sum, [ids]) => sum + ids.length, 0);
    expect(request.history?.length).toBeGreaterThan(2);
    expect(request.history).toEqual(fittingHistory(everything));
    expect(request.history?.at(-1)?.question).toBe('Question number 199?');
    // A few turns fit; at most one more read than needed, never the 199 earlier turns.
    expect(idsRead).toBeLessThanOrEqual(30);
  });

  it('reads every earlier turn when they all fit', async () => {
    const store = new MemoryJobStore({ maxJobs: 1000 });
    const last = await longConversation(store, 25);

    const request = await turnRequest(store, last, 1_000_000, fittingHistory);

    expect(request.history).toHaveLength(24);
    expect(request.history?.[0]?.question).toBe('Question number 1?');
  });
});
