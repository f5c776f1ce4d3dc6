/**
 * Streaming, against a fake OpenAI server that streams its answers in the real wire format:
 * - time to first delta: the fake provider writes its first text chunk → an SSE client parses the
 *   first `delta` (same clock: both ends live in this process), in embedded mode and on the AWS
 *   path (start:api and start:worker as processes, moto, Redis);
 * - many streams at once: N clients each following a job that streams 20 pieces a second, with
 *   delivery latency (piece written upstream → delta parsed by the client), server CPU per
 *   delivered event, RSS per open stream, and a check that no stream was dropped. The fake
 *   server runs in a process of its own here, and times are compared as epoch milliseconds.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer, openaiWire, type Reply } from '../shared/test/support/fake-llm.js';
import { openEventStream, streamedText, type EventStream } from '../shared/test/support/sse.js';
import { freePort } from '../test/support/local-aws.js';
import { startService } from '../test/support/service-process.js';
import { startAwsPath } from './support/aws-path.js';
import { cpuTimeUs, percentile } from './support/load.js';
import { startNode } from './support/process.js';

const FIRST_DELTA_ASKS = 40;
const STREAMS = 1000;
const PIECES_PER_STREAM = 100;
/** 20 pieces a second, the rate the issue names (and the worker's coalescing interval). */
const PIECE_INTERVAL_MS = 50;

const embeddedEntry = fileURLToPath(new URL('../services/api/src/embedded.ts', import.meta.url));
const fakeEntry = fileURLToPath(new URL('./support/fake-llm-process.ts', import.meta.url));

function startEmbedded(upstreamUrl: string) {
  return startNode(embeddedEntry, {
    LOG_LEVEL: 'warn',
    OPENAI_API_KEY: 'sk-bench-not-a-real-key',
    OPENAI_BASE_URL: `${upstreamUrl}/v1`,
    WORKER_CONCURRENCY: String(STREAMS + 10),
    HTTP_MAX_CONNECTIONS: String(STREAMS * 2 + 100),
    MEMORY_STORE_MAX_JOBS: String(STREAMS * 4),
  });
}

export async function benchStreaming(): Promise<void> {
  const upstream = await FakeLlmServer.start();
  try {
    const server = await startEmbedded(upstream.url);
    let embedded: number[];
    try {
      embedded = await timeToFirstDelta(server.url, upstream);
    } finally {
      await server.stop();
    }
    upstream.reset();
    const aws = await timeToFirstDeltaOnAwsPath(upstream);
    console.log(
      `time to first delta: ${FIRST_DELTA_ASKS} asks one after another (first text chunk written by the fake provider → first delta parsed by the SSE client)`,
    );
    console.table({
      'embedded (one process, in-memory channel)': firstDeltaRow(embedded, 2),
      'AWS path (api + worker processes, moto, Redis)': firstDeltaRow(aws, 100),
    });
  } finally {
    await upstream.close();
  }
  await manyStreams();
}

function firstDeltaRow(sorted: number[], targetMs: number) {
  const p50 = percentile(sorted, 0.5);
  return {
    'p50 ms': round(p50),
    'p99 ms': round(percentile(sorted, 0.99)),
    'max ms': round(sorted.at(-1)!),
    target: `p50 < ${targetMs} ms`,
    met: p50 < targetMs ? 'yes' : 'NO',
  };
}

async function timeToFirstDeltaOnAwsPath(upstream: FakeLlmServer): Promise<number[]> {
  const path = await startAwsPath();
  const port = await freePort();
  const api = startService('api', { ...path.env, PORT: String(port), HOST: '127.0.0.1' });
  const worker = startService('worker', {
    ...path.env,
    OPENAI_API_KEY: 'sk-bench-not-a-real-key',
    OPENAI_BASE_URL: `${upstream.url}/v1`,
  });
  try {
    await api.waitForLog((line) => line.msg === 'api service started', 30_000);
    await worker.waitForLog((line) => line.msg === 'worker started', 30_000);
    return await timeToFirstDelta(`http://127.0.0.1:${port}`, upstream);
  } finally {
    api.kill('SIGKILL');
    worker.kill('SIGKILL');
    await Promise.all([api.exited, worker.exited]);
    await path.stop();
  }
}

async function timeToFirstDelta(url: string, upstream: FakeLlmServer): Promise<number[]> {
  upstream.otherwise({
    ...openaiWire.completion('one two three four five six'),
    stream: { intervalMs: 20 },
  });
  const samples: number[] = [];
  for (let i = 0; i < FIRST_DELTA_ASKS; i++) {
    const stream = await ask(url, `First delta ${i}`);
    const delta = await stream.waitFor((event) => event.event === 'delta');
    await stream.ended;
    const request = upstream.requests.find((r) =>
      JSON.stringify(r.body).includes(`First delta ${i}"`),
    );
    // chunksSentAt[0] is the role chunk; [1] carries the first text.
    const sentAt = request?.chunksSentAt[1];
    if (sentAt === undefined) throw new Error('the fake provider sent no text chunk');
    samples.push(delta.receivedAt - sentAt);
  }
  return samples.sort((a, b) => a - b);
}

async function manyStreams() {
  const pieces = Array.from({ length: PIECES_PER_STREAM }, (_, i) => `w${i} `);
  const upstream = await startFakeProcess({
    ...openaiWire.completion(pieces.join('')),
    stream: { pieces, intervalMs: PIECE_INTERVAL_MS },
  });
  const server = await startEmbedded(upstream.url);
  const { url } = server;
  const pid = server.child.pid;
  try {
    await measureStreams(url, pid, pieces, upstream);
  } finally {
    await server.stop();
    await upstream.stop();
  }
}

interface FakeProcess {
  url: string;
  /** Stops it and returns what it recorded. */
  records(): Promise<{ body: string; chunksSentAt: number[] }[]>;
  stop(): Promise<void>;
}

async function startFakeProcess(reply: Reply): Promise<FakeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', fakeEntry], {
    env: { PATH: process.env.PATH ?? '', FAKE_LLM_REPLY: JSON.stringify(reply) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  const { url } = JSON.parse(String(first.value)) as { url: string };
  let recorded: Promise<{ body: string; chunksSentAt: number[] }[]> | undefined;
  const records = () => {
    recorded ??= (async () => {
      child.kill('SIGTERM');
      const line = await lines.next();
      return JSON.parse(String(line.value)) as { body: string; chunksSentAt: number[] }[];
    })();
    return recorded;
  };
  return { url, records, stop: async () => void (await records()) };
}

async function measureStreams(
  url: string,
  pid: number | undefined,
  pieces: string[],
  upstream: FakeProcess,
) {
  const rssBefore = rssKiB(pid);
  const cpuBefore = cpuTimeUs(pid);
  const started = performance.now();
  const streams: EventStream[] = [];
  // Opened in waves so the accept queue is not the thing measured.
  for (let wave = 0; wave < STREAMS; wave += 100) {
    streams.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(100, STREAMS - wave) }, (_, i) =>
          ask(url, `Stream ${wave + i}`),
        ),
      )),
    );
  }
  // Every stream open and running: the server's footprint with all of them held.
  await Promise.all(
    streams.map((stream) => stream.waitFor((event) => event.event === 'delta', 60_000)),
  );
  const rssOpen = rssKiB(pid);
  await Promise.all(streams.map((stream) => stream.ended));
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuTimeUs(pid);

  const latencies: number[] = [];
  let events = 0;
  let dropped = 0;
  const byQuestion = new Map(
    (await upstream.records()).map((request) => [request.body.match(/Stream \d+/)?.[0], request]),
  );
  for (const [index, stream] of streams.entries()) {
    events += stream.events.length;
    const done = stream.events.at(-1);
    if (done?.event !== 'done' || streamedText(stream.events) !== pieces.join('')) dropped += 1;
    const request = byQuestion.get(`Stream ${index}`);
    for (const event of stream.events.filter((e) => e.event === 'delta')) {
      // The oldest piece in a coalesced delta: its latency is the delta's worst.
      const first = Number((JSON.parse(event.data) as { text: string }).text.match(/w(\d+)/)?.[1]);
      const sentAt = request?.chunksSentAt[first + 1];
      if (sentAt !== undefined) latencies.push(performance.timeOrigin + event.receivedAt - sentAt);
    }
  }
  latencies.sort((a, b) => a - b);
  const p99 = percentile(latencies, 0.99);
  console.log(
    `\n${STREAMS} SSE clients on one embedded process, each following a job that streams ${PIECES_PER_STREAM} pieces at ${1000 / PIECE_INTERVAL_MS}/s ` +
      `(the process also runs the worker, which parses the ${STREAMS} upstream streams: its CPU counts here too)`,
  );
  console.table({
    'many streams': {
      streams: STREAMS,
      'events delivered': events,
      'delivery p50 ms': round(percentile(latencies, 0.5)),
      'delivery p99 ms': round(p99),
      'server CPU µs/event':
        cpuBefore !== undefined && cpuAfter !== undefined
          ? round((cpuAfter - cpuBefore) / events)
          : 'n/a',
      'RSS KiB/stream': rssBefore && rssOpen ? round((rssOpen - rssBefore) / STREAMS) : 'n/a',
      'dropped streams': dropped,
      'wall s': round(seconds),
    },
  });
  console.log(
    `delivery p99 ${round(p99)} ms (target < 50 ms: ${p99 < 50 ? 'met' : 'NOT met'}); ${dropped} of ${STREAMS} streams dropped or incomplete`,
  );
}

function ask(url: string, question: string): Promise<EventStream> {
  return openEventStream(`${url}/api/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question }),
  });
}

function rssKiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
