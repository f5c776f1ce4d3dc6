/**
 * Streaming, in one run:
 * - time to first delta: a fake OpenAI server (the real wire format) writes its first text chunk
 *   → an SSE client parses the first `delta` (same clock: both ends live in this process), in
 *   embedded mode and on the AWS path (start:api and start:worker as processes, moto, Redis);
 * - many streams at once on one api process: N clients each following a job that streams 20
 *   pieces a second through Redis, with delivery latency, the api's CPU per delivered event, its
 *   RSS per open stream, and a check that no stream was dropped. Times cross processes there,
 *   so they are compared as epoch milliseconds.
 *
 * To profile the api or the publisher of the many-streams run, give it Node options:
 * `BENCH_API_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- streaming`
 * (and BENCH_PUBLISHER_NODE_OPTIONS).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig, requireAwsConfig, ANONYMOUS } from '@iscoolgpt/shared';
import { buildAwsApiRuntime } from '@iscoolgpt/shared/aws';
import { createParser } from 'eventsource-parser';
import { pino } from 'pino';
import { FakeLlmServer, openaiWire } from '../shared/test/support/fake-llm.js';
import { QUOTAS_OFF } from '../shared/test/support/quotas.js';
import {
  openEventStream,
  streamedText,
  type EventStream,
  type SseEvent,
} from '../shared/test/support/sse.js';
import { freePort } from '../test/support/host.js';
import { startService } from '../test/support/service-process.js';
import { startAwsPath } from './support/aws-path.js';
import { cpuTimeUs, inParallel, percentile } from './support/load.js';
import { startNode } from './support/process.js';

const FIRST_DELTA_ASKS = 40;
const STREAMS = 1000;
const PIECES_PER_STREAM = 100;
/** 20 pieces a second, the rate the issue names (and the worker's coalescing interval). */
const PIECE_INTERVAL_MS = 50;

const embeddedEntry = fileURLToPath(new URL('../services/api/src/embedded.ts', import.meta.url));
const publisherEntry = fileURLToPath(new URL('./support/publisher-process.ts', import.meta.url));

function startEmbedded(upstreamUrl: string) {
  return startNode(embeddedEntry, {
    LOG_LEVEL: 'warn',
    // The model's path: every delta comes from the fake provider (questions differ anyway).
    ANSWER_CACHE: 'off',
    // Quotas off: one principal asks thousands of questions, many at once.
    ...QUOTAS_OFF,
    OPENAI_API_KEY: 'sk-bench-not-a-real-key',
    OPENAI_BASE_URL: `${upstreamUrl}/v1`,
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
      `time to first delta: ${FIRST_DELTA_ASKS} asks one after another (first text chunk written by the fake provider → first delta parsed by the SSE client; answer cache off)`,
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

/**
 * STREAMS clients on one api process (start:api, the production entry point) following jobs
 * that the worker's publishing path streams through Redis at 20 pieces a second each. The
 * publisher and the fake-free api are separate processes; the clients live here.
 */
export async function manyStreams() {
  const pieces = Array.from({ length: PIECES_PER_STREAM }, (_, i) => `w${i} `);
  const path = await startAwsPath();
  const config = loadConfig(path.env);
  const runtime = buildAwsApiRuntime(config, requireAwsConfig(config), pino({ level: 'silent' }));
  const port = await freePort();
  const api = startService('api', {
    ...path.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    HTTP_MAX_CONNECTIONS: String(STREAMS * 2 + 100),
    ...(process.env.BENCH_API_NODE_OPTIONS && { NODE_OPTIONS: process.env.BENCH_API_NODE_OPTIONS }),
  });
  const rows: Record<string, StreamsRow> = {};
  const publisher = startPublisher(path.env);
  try {
    await api.waitForLog((line) => line.msg === 'api service started', 30_000);
    // A warm-up at the target's load, one second long, on the fresh process (its RSS per stream
    // is the figure reported): the first deliveries through every process run cold code. Then
    // the target's load, then a quarter of it: the same per-stream pace with CPU to spare shows
    // what saturation costs.
    const rounds = [
      { streams: STREAMS, pieces: pieces.slice(0, 1000 / PIECE_INTERVAL_MS), name: undefined },
      { streams: STREAMS, pieces, name: `${STREAMS} streams` },
      { streams: STREAMS / 4, pieces, name: `${STREAMS / 4} streams` },
    ];
    let rssKiBPerStream: number | string = '';
    await publisher.ready;
    for (const round of rounds) {
      const jobIds: string[] = [];
      await inParallel(round.streams, 16, async (i) => {
        const { job } = await runtime.jobs.submit({ question: `Stream ${i}` }, ANONYMOUS);
        jobIds.push(job.id);
      });
      const row = await measureStreams(
        `http://127.0.0.1:${port}`,
        api.child.pid,
        jobIds,
        round.pieces,
        publisher,
      );
      if (!round.name) rssKiBPerStream = row['api RSS KiB/stream'];
      else {
        rows[round.name] = {
          ...row,
          'api RSS KiB/stream': round.streams === STREAMS ? rssKiBPerStream : '',
        };
      }
    }
  } finally {
    await publisher.stop();
    await runtime.close();
    api.kill(process.env.BENCH_API_NODE_OPTIONS ? 'SIGTERM' : 'SIGKILL');
    await api.exited;
    await path.stop();
  }
  console.log(
    `\nSSE clients on one api process (start:api), each following a job that the worker's publishing path ` +
      `(DeltaPacer → Redis, in a process of its own) streams ${PIECES_PER_STREAM} pieces at ${1000 / PIECE_INTERVAL_MS}/s; ` +
      'latency: piece handed to the DeltaPacer → delta parsed by the client, after a one-second warm-up round at the same load. The same two cores run the publisher, ' +
      'the clients, Redis and moto, whose CPU per event is shown beside the api’s:',
  );
  console.table(rows);
  const target = rows[`${STREAMS} streams`]!;
  // A stream the api had to end from the store (the channel failed under it) says so here.
  const warnings = api.logs.filter((line) => Number(line.level) >= 40);
  if (warnings.length > 0) {
    console.log(
      `api warnings: ${[...new Set(warnings.map((line) => line.msg))].join('; ')} (${warnings.length} lines)`,
    );
  }
  console.log(
    `${STREAMS} streams: delivery p99 ${target['delivery p99 ms']} ms (target < 50 ms: ${target['delivery p99 ms'] < 50 ? 'met' : 'NOT met'}); ` +
      `${target['dropped streams']} of ${STREAMS} streams dropped or incomplete`,
  );
}

interface StreamsRow {
  'events delivered': number;
  'delivery p50 ms': number;
  'delivery p99 ms': number;
  'api CPU µs/event': number | string;
  'api RSS KiB/stream': number | string;
  'publisher CPU µs/event': number;
  'clients CPU µs/event': number;
  'dropped streams': number;
  'wall s': number;
}

interface Publisher {
  child: ChildProcess;
  ready: Promise<void>;
  /** Streams a round; resolves, once its every job settled, with each piece's send time (epoch ms). */
  round(
    jobIds: string[],
    pieces: string[],
  ): Promise<{ sentAt: Record<string, number[]>; cpuUs: number }>;
  /** Ends its input, so that it exits by itself (writing a profile if asked), or kills it after 10 s. */
  stop(): Promise<void>;
}

function startPublisher(env: Record<string, string>): Publisher {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', publisherEntry],
    {
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        PUBLISH_INTERVAL_MS: String(PIECE_INTERVAL_MS),
        ...(process.env.BENCH_PUBLISHER_NODE_OPTIONS && {
          NODE_OPTIONS: process.env.BENCH_PUBLISHER_NODE_OPTIONS,
        }),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const ready = lines.next().then(() => undefined);
  return {
    child,
    ready,
    async round(jobIds, pieces) {
      child.stdin!.write(`${JSON.stringify({ jobIds, pieces })}\n`);
      const line = await lines.next();
      if (line.done) throw new Error('the publisher ended without its records');
      return JSON.parse(String(line.value)) as { sentAt: Record<string, number[]>; cpuUs: number };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function measureStreams(
  url: string,
  pid: number | undefined,
  jobIds: string[],
  pieces: string[],
  publisher: Publisher,
): Promise<StreamsRow> {
  const rssBefore = rssKiB(pid);
  const streams: LeanStream[] = [];
  // Opened in waves so the accept queue is not the thing measured.
  for (let wave = 0; wave < jobIds.length; wave += 100) {
    const ids = jobIds.slice(wave, wave + 100);
    streams.push(
      ...(await Promise.all(ids.map((id) => follow(`${url}/api/v1/jobs/${id}/events`)))),
    );
  }
  // Every stream open (its first `job` event read): the server's footprint with all of them held.
  await Promise.all(streams.map((stream) => stream.opened));
  const rssOpen = rssKiB(pid);
  const cpuBefore = cpuTimeUs(pid);
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();
  const { sentAt, cpuUs: publisherCpu } = await publisher.round(jobIds, pieces);
  await Promise.all(streams.map((stream) => stream.ended));
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuTimeUs(pid);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const latencies: number[] = [];
  let events = 0;
  let dropped = 0;
  for (const [index, stream] of streams.entries()) {
    events += stream.events.length;
    const done = stream.events.at(-1);
    if (done?.event !== 'done' || streamedText(stream.events) !== pieces.join('')) dropped += 1;
    const times = sentAt[jobIds[index]!] ?? [];
    for (const event of stream.events) {
      if (event.event !== 'delta') continue;
      // The oldest piece in a coalesced delta: its latency is the delta's worst.
      const first = Number((JSON.parse(event.data) as { text: string }).text.match(/w(\d+)/)?.[1]);
      const sent = times[first];
      if (sent !== undefined) latencies.push(event.receivedAt - sent);
    }
  }
  latencies.sort((a, b) => a - b);
  const perEvent = (us: number) => round(us / events);
  return {
    'events delivered': events,
    'delivery p50 ms': round(percentile(latencies, 0.5)),
    'delivery p99 ms': round(percentile(latencies, 0.99)),
    'api CPU µs/event':
      cpuBefore !== undefined && cpuAfter !== undefined ? perEvent(cpuAfter - cpuBefore) : 'n/a',
    'api RSS KiB/stream':
      rssBefore && rssOpen ? round((rssOpen - rssBefore) / jobIds.length) : 'n/a',
    'publisher CPU µs/event': perEvent(publisherCpu),
    'clients CPU µs/event': perEvent(clientCpu.user + clientCpu.system),
    'dropped streams': dropped,
    'wall s': round(seconds),
  };
}

interface LeanStream {
  events: SseEvent[];
  /** Resolves with the first event. */
  opened: Promise<void>;
  ended: Promise<void>;
}

/**
 * A lean SSE client for a thousand streams in one process: node:http and eventsource-parser, with
 * an epoch receive time, and none of fetch's web-stream machinery between the socket and the parser.
 */
function follow(url: string): Promise<LeanStream> {
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      { agent: false, headers: { accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`${url} answered ${response.statusCode}`));
          response.resume();
          return;
        }
        const events: SseEvent[] = [];
        let open: () => void;
        const opened = new Promise<void>((done) => (open = done));
        const parser = createParser({
          onEvent: (message) => {
            events.push({
              id: message.id,
              event: message.event,
              data: message.data,
              receivedAt: performance.timeOrigin + performance.now(),
            });
            if (events.length === 1) open();
          },
        });
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => parser.feed(chunk));
        const ended = new Promise<void>((done) => {
          response.on('end', done);
          response.on('error', () => done());
        });
        resolve({ events, opened, ended });
      },
    );
    request.on('error', reject);
  });
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
