/**
 * A local HTTP server that answers like an LLM provider: scripted status codes, headers and bodies
 * in the providers' real wire formats, and a record of every request it received. It stands at the
 * real boundary (HTTP), so the SDKs run unmodified against it.
 */
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** performance.now() when the request arrived. */
  receivedAt: number;
  /** performance.now() when the client closed the connection before the reply ended. */
  abortedAt?: number;
  /** performance.now() when each streamed chunk was written. */
  chunksSentAt: number[];
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as JSON, or as is when it is a string. */
  body?: unknown;
  /** Wait this long before answering (the client may give up first). */
  delayMs?: number;
  /**
   * How a 200 chat completion is streamed to a request that asked for `stream: true` (every
   * such reply is streamed, as a real server would): its text in these pieces (default: word by
   * word), one every `intervalMs`, and the connection cut after `cutAfter` pieces.
   */
  stream?: { pieces?: string[]; intervalMs?: number; cutAfter?: number };
}

const UNSCRIPTED: Reply = { status: 500, body: { error: 'the fake server has no reply scripted' } };

export class FakeLlmServer {
  readonly requests: RecordedRequest[] = [];
  private script: Reply[] = [];
  private fallback: Reply = UNSCRIPTED;

  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      this.requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: text ? JSON.parse(text) : undefined,
        receivedAt: performance.now(),
        chunksSentAt: [],
      });
      const recorded = this.requests.at(-1) as RecordedRequest;
      response.on('close', () => {
        if (!response.writableFinished) recorded.abortedAt = performance.now();
      });
      const reply = this.script.shift() ?? this.fallback;
      const wantsStream = isObject(recorded.body) && recorded.body.stream === true;
      const send = () => {
        if (response.destroyed) return;
        if (wantsStream && (reply.status ?? 200) === 200 && isCompletion(reply.body)) {
          void streamCompletion(response, reply, recorded);
          return;
        }
        const isText = typeof reply.body === 'string';
        response.writeHead(reply.status ?? 200, {
          'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
          ...reply.headers,
        });
        response.end(isText ? reply.body : JSON.stringify(reply.body ?? {}));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });

  static async start(): Promise<FakeLlmServer> {
    const fake = new FakeLlmServer();
    await fake.listen();
    return fake;
  }

  async listen(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
  }

  /** http://127.0.0.1:<port> */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The next requests get these replies in order; after them, the `otherwise` reply. */
  reply(...replies: Reply[]): this {
    this.script.push(...replies);
    return this;
  }

  otherwise(reply: Reply): this {
    this.fallback = reply;
    return this;
  }

  /** Forgets the script and the recorded requests (between tests sharing one server). */
  reset(): this {
    this.script = [];
    this.requests.length = 0;
    this.fallback = UNSCRIPTED;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** A fake server for the whole test file, with its script and records forgotten between tests. */
export function useFakeLlmServer(): FakeLlmServer {
  const fake = new FakeLlmServer();
  beforeAll(() => fake.listen());
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
  });
  return fake;
}

/** A URL on which nothing listens: connections are refused. */
export async function deadUrl(): Promise<string> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}

interface CompletionOptions {
  model?: string;
  finishReason?: string;
  content?: string | null;
  refusal?: string | null;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
}

/** A chat completion (OpenAI's format; TGI, vLLM and Ollama send the same shape). */
function chatCompletion(text: string, options: CompletionOptions & { fingerprint: string }): Reply {
  const usage =
    options.usage === undefined ? { prompt_tokens: 42, completion_tokens: 17 } : options.usage;
  return {
    status: 200,
    headers: { 'x-request-id': 'req_fake' },
    body: {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_760_000_000,
      model: options.model,
      system_fingerprint: options.fingerprint,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: options.content === undefined ? text : options.content,
            refusal: options.refusal ?? null,
          },
          logprobs: null,
          finish_reason: options.finishReason ?? 'stop',
        },
      ],
      ...(usage && {
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    },
  };
}

export const openaiWire = {
  completion: (text: string, options: CompletionOptions = {}) =>
    chatCompletion(text, { model: 'gpt-4o-mini-2024-07-18', fingerprint: 'fp_fake', ...options }),

  /** OpenAI's error body: `{"error": {"message", "type", "param", "code"}}`. */
  error: (
    status: number,
    error: { message: string; type: string; code?: string | null },
    headers: Record<string, string> = {},
  ): Reply => ({
    status,
    headers,
    body: { error: { param: null, code: null, ...error } },
  }),
};

export const hfWire = {
  /** TGI's /v1/chat/completions answer. */
  completion: (text: string, options: CompletionOptions = {}) =>
    chatCompletion(text, {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      fingerprint: '3.3.6-sha-fake',
      ...options,
    }),

  /** Hugging Face / TGI error body: `{"error": "...", "error_type"?: "...", "estimated_time"?: s}`. */
  error: (
    status: number,
    message: string,
    extra: { error_type?: string; estimated_time?: number } = {},
    headers: Record<string, string> = {},
  ): Reply => ({ status, headers, body: { error: message, ...extra } }),
};

interface CompletionBody {
  id: string;
  model?: string;
  choices: {
    message: { content: string | null; refusal?: string | null };
    finish_reason: string;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isCompletion(body: unknown): body is CompletionBody {
  return isObject(body) && Array.isArray(body.choices);
}

/**
 * A chat completion as OpenAI (and TGI, vLLM, the Hugging Face router) streams it: `data:` lines
 * of `chat.completion.chunk` objects, the text in `delta.content`, a refusal in `delta.refusal`,
 * the finish reason on the last choice chunk, usage in a final chunk without choices when
 * `stream_options.include_usage` was asked for, then `data: [DONE]`.
 */
async function streamCompletion(
  response: ServerResponse,
  reply: Reply,
  recorded: RecordedRequest,
): Promise<void> {
  const body = reply.body as CompletionBody;
  const choice = body.choices[0];
  const content = choice?.message.content ?? '';
  const pieces = reply.stream?.pieces ?? content.match(/\S+\s*|\s+/g) ?? [];
  const includeUsage =
    isObject(recorded.body) &&
    isObject(recorded.body.stream_options) &&
    recorded.body.stream_options.include_usage === true;
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    ...reply.headers,
  });
  const chunk = (extra: Record<string, unknown>) => ({
    id: body.id,
    object: 'chat.completion.chunk',
    created: 1_760_000_000,
    ...(body.model !== undefined && { model: body.model }),
    ...extra,
  });
  const write = (data: unknown) => {
    if (response.destroyed) return false;
    response.write(`data: ${JSON.stringify(data)}\n\n`);
    recorded.chunksSentAt.push(performance.now());
    return true;
  };
  const delta = (value: Record<string, unknown>, finish: string | null = null) =>
    chunk({ choices: [{ index: 0, delta: value, logprobs: null, finish_reason: finish }] });
  if (!write(delta({ role: 'assistant', content: '' }))) return;
  if (choice?.message.refusal) write(delta({ refusal: choice.message.refusal }));
  for (const [index, piece] of pieces.entries()) {
    if (reply.stream?.cutAfter !== undefined && index >= reply.stream.cutAfter) {
      response.destroy();
      return;
    }
    if (reply.stream?.intervalMs) {
      await new Promise((resolve) => setTimeout(resolve, reply.stream?.intervalMs));
    }
    if (!write(delta({ content: piece }))) return;
  }
  if (!write(delta({}, choice?.finish_reason ?? 'stop'))) return;
  if (includeUsage && body.usage) write(chunk({ choices: [], usage: body.usage }));
  response.end('data: [DONE]\n\n');
}
