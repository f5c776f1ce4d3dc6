/**
 * `npm run bench`: every benchmark of the project, one after another in one run, so the figures
 * printed side by side were measured on the same machine under the same load.
 */
import { benchAnswerCache } from './answer-cache.js';
import { benchQuotas } from './quotas.js';
import { benchStreaming } from './streaming.js';
import { benchSyncAsk } from './sync-ask.js';
import { benchWebBundle } from './web-bundle.js';
import { benchWorkerThroughput } from './worker-throughput.js';

const sections: { name: string; run: () => Promise<void> }[] = [
  { name: 'sync ask (embedded mode) vs bare Fastify route', run: benchSyncAsk },
  { name: 'quota check: an embedded ask with quotas on beside quotas off', run: benchQuotas },
  {
    name: "the AWS path, SQS on moto and on LocalStack: worker throughput vs C/L (Little's law), a waiting ask's queue overhead",
    run: benchWorkerThroughput,
  },
  {
    name: 'streaming: time to first delta, and many SSE clients on one api process',
    run: benchStreaming,
  },
  {
    name: 'answer cache: a replayed workload of first questions, hits beside misses, embedded and the AWS path',
    run: benchAnswerCache,
  },
  { name: 'study page bundle (web/dist)', run: benchWebBundle },
];

// `npm run bench -- streaming`: only the sections whose name contains one of the given words;
// `sync` (the embedded sync ask beside a bare route, about 1.5 min), `localstack` (the AWS path),
// `streaming`, `cache`, `quota` and `bundle` each pick one section alone.
const only = process.argv.slice(2).map((word) => word.toLowerCase());
const chosen = sections.filter(
  (section) => only.length === 0 || only.some((word) => section.name.toLowerCase().includes(word)),
);
if (chosen.length === 0) throw new Error(`no bench section matches ${only.join(', ')}`);

for (const section of chosen) {
  console.log(`\n## ${section.name}\n`);
  await section.run();
}
