import OpenAI, { APIConnectionError, APIError } from 'openai';
import { ProviderError } from '../domain/errors.js';
import type {
  Answer,
  AnswerProvider,
  AnswerRequest,
  ProviderCallOptions,
} from '../domain/ports.js';
import { collectStream } from './completion.js';
import {
  badResponse,
  classifyHttpFailure,
  retryAfterMs,
  unreachable,
  type ProviderIdentity,
} from './failures.js';
import { chatMessages } from './prompt.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

const OPENAI = {
  name: 'openai',
  label: 'OpenAI',
  keyVariable: 'OPENAI_API_KEY',
} as const satisfies ProviderIdentity;

export interface OpenAIProviderOptions {
  apiKey: string;
  model: string;
  /** Any OpenAI-compatible server: Azure-style gateways, vLLM, Ollama, LM Studio. */
  baseURL?: string | undefined;
  /** The most tokens one call may write (LLM_MAX_OUTPUT_TOKENS): `max_completion_tokens`. */
  maxOutputTokens: number;
}

/** Streamed chat completions through the official SDK, one HTTP request per call. */
export class OpenAIProvider implements AnswerProvider {
  readonly name = OPENAI.name;
  private readonly client: OpenAI;

  get defaultModel(): string {
    return this.options.model;
  }

  constructor(private readonly options: OpenAIProviderOptions) {
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? OPENAI_DEFAULT_BASE_URL,
      // The retry policy (retry.ts) is the only place that retries, so every call is counted.
      maxRetries: 0,
      // Everything comes from our config: the SDK would otherwise read these from process.env.
      organization: null,
      project: null,
      // The SDK would print to the console; our logs are the retry policy's structured lines.
      logLevel: 'off',
    });
  }

  async answer(request: AnswerRequest, options: ProviderCallOptions = {}): Promise<Answer> {
    const model = request.model ?? this.options.model;
    try {
      // Aborting the signal closes the HTTP connection, which stops the model (and its billing).
      const stream = await this.client.chat.completions.create(
        {
          model,
          messages: chatMessages(request),
          // Not `max_tokens`: OpenAI deprecated it, and reasoning models refuse it.
          max_completion_tokens: this.options.maxOutputTokens,
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal: options.signal },
      );
      return await collectStream(OPENAI, stream, model, options);
    } catch (error) {
      throw classify(error);
    }
  }
}

function classify(error: unknown): unknown {
  if (error instanceof ProviderError) return error;
  // Connection failures (the SDK's own timeout among them) carry no status.
  if (error instanceof APIConnectionError) return unreachable(OPENAI);
  if (error instanceof APIError && error.status !== undefined) {
    return classifyHttpFailure(OPENAI, {
      status: error.status,
      code: stringOrUndefined(error.code) ?? stringOrUndefined(error.type),
      retryAfterMs: retryAfterMs(error.headers),
    });
  }
  if (error instanceof SyntaxError) return badResponse(OPENAI, 'the body is not valid JSON');
  // Aborts and anything unforeseen: the retry policy tells a timeout from a cancellation.
  return error;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
