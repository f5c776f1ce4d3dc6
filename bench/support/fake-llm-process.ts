/**
 * The fake OpenAI server in a process of its own, so that a benchmark's clients and the upstream
 * they wait on do not share one event loop. Its reply comes from FAKE_LLM_REPLY (JSON); on
 * SIGTERM it prints every request's question and chunk times (epoch ms) as one JSON line, and exits.
 */
import { FakeLlmServer, type Reply } from '../../shared/test/support/fake-llm.js';

const upstream = await FakeLlmServer.start();
upstream.otherwise(JSON.parse(process.env.FAKE_LLM_REPLY ?? '{}') as Reply);
process.stdout.write(`${JSON.stringify({ url: upstream.url })}\n`);
process.once('SIGTERM', () => {
  const epoch = (t: number) => performance.timeOrigin + t;
  const records = upstream.requests.map((request) => ({
    body: JSON.stringify(request.body),
    chunksSentAt: request.chunksSentAt.map(epoch),
  }));
  process.stdout.write(`${JSON.stringify(records)}\n`, () => process.exit(0));
});
