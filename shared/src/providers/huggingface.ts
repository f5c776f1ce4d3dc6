import {
  InferenceClient,
  InferenceClientInputError,
  InferenceClientProviderApiError,
  InferenceClientProviderOutputError,
  InferenceClientRoutingError,
} from '@huggingface/inference';
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

const HUGGING_FACE = {
  name: 'huggingface',
  label: 'Hugging Face',
  keyVariable: 'HF_TOKEN',
} as const satisfies ProviderIdentity;

/** Where the client sends chat completions when no endpoint is configured. */
export const HF_ROUTER_URL = 'https://router.huggingface.co';

export interface HuggingFaceProviderOptions {
  token: string;
  model: string;
  /**
   * A dedicated Inference Endpoint or TGI server (the client posts to `<url>/v1/chat/completions`).
   * Without it, the Hugging Face router picks a provider for the model.
   */
  endpointUrl?: string | undefined;
  /**
   * The most tokens one call may write (LLM_MAX_OUTPUT_TOKENS): `max_tokens`, which TGI and the
   * router take (TGI's own default is a few hundred, too short for a step-by-step explanation).
   */
  maxOutputTokens: number;
}

/** Streamed chat completions through `@huggingface/inference`, one HTTP request per call. */
export class HuggingFaceProvider implements AnswerProvider {
  readonly name = HUGGING_FACE.name;
  private readonly client: InferenceClient;

  get defaultModel(): string {
    return this.options.model;
  }

  constructor(private readonly options: HuggingFaceProviderOptions) {
    this.client = new InferenceClient(
      options.token,
      options.endpointUrl ? { endpointUrl: options.endpointUrl } : {},
    );
  }

  async answer(request: AnswerRequest, options: ProviderCallOptions = {}): Promise<Answer> {
    const model = request.model ?? this.options.model;
    const response = keepResponseHeaders();
    try {
      const stream = this.client.chatCompletionStream(
        {
          model,
          messages: chatMessages(request),
          max_tokens: this.options.maxOutputTokens,
          stream_options: { include_usage: true },
        },
        // Without this the client retries a 503 at once and forever, outside our policy.
        { retry_on_error: false, signal: options.signal, fetch: response.fetch },
      );
      return await collectStream(HUGGING_FACE, stream, model, options);
    } catch (error) {
      throw classify(error, response.headers);
    }
  }
}

/** The client's errors drop response headers; this fetch keeps them so retry-after is honoured. */
function keepResponseHeaders() {
  const kept: { headers?: Headers; fetch: typeof fetch } = {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      kept.headers = response.headers;
      return response;
    },
  };
  return kept;
}

function classify(error: unknown, headers: Headers | undefined): unknown {
  if (error instanceof ProviderError) return error;
  if (error instanceof InferenceClientProviderApiError) {
    const body = error.httpResponse.body;
    return classifyHttpFailure(HUGGING_FACE, {
      status: error.httpResponse.status,
      code: errorCode(body),
      retryAfterMs: retryAfterMs(headers) ?? loadingEstimateMs(body),
    });
  }
  if (error instanceof InferenceClientProviderOutputError || error instanceof SyntaxError) {
    return badResponse(HUGGING_FACE, 'the body is not a chat completion');
  }
  if (error instanceof InferenceClientInputError || error instanceof InferenceClientRoutingError) {
    // Raised before any request, from our own settings (e.g. the router needs an hf_ token).
    return new ProviderError(
      'provider_not_configured',
      `Hugging Face cannot be called with this configuration; check HF_TOKEN, HF_MODEL and HF_ENDPOINT_URL`,
      { retryable: false },
    );
  }
  if (error instanceof TypeError) return unreachable(HUGGING_FACE);
  // Aborts and anything unforeseen: the retry policy tells a timeout from a cancellation.
  return error;
}

/** TGI answers `{"error": "...", "error_type": "overloaded"}`; OpenAI-style routers `{"error": {"code", "type"}}`. */
function errorCode(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (typeof body.error_type === 'string') return body.error_type;
  const error = body.error;
  if (!isObject(error)) return undefined;
  if (typeof error.code === 'string') return error.code;
  return typeof error.type === 'string' ? error.type : undefined;
}

/** A model still loading on Hugging Face answers 503 with `estimated_time` in seconds. */
function loadingEstimateMs(body: unknown): number | undefined {
  return isObject(body) && typeof body.estimated_time === 'number' && body.estimated_time >= 0
    ? body.estimated_time * 1000
    : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
