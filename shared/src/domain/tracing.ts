import {
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';

/**
 * Spans through `@opentelemetry/api` only: without an SDK started (no OTEL_EXPORTER_OTLP_ENDPOINT)
 * every call here is the API's no-op. Spans carry ids, names, models and counts; never a
 * question's or an answer's text.
 */
export const tracer = trace.getTracer('iscoolgpt');

/** Our own span attributes, beside OpenTelemetry's GenAI ones (`gen_ai.*`). */
export const JOB_ID = 'iscoolgpt.job.id';
export const JOB_MODE = 'iscoolgpt.mode';

/** What a span of a job's model call says (the OpenTelemetry GenAI semantic conventions). */
export interface GenAiCall {
  provider: string;
  requestModel?: string | null | undefined;
  responseModel?: string | null | undefined;
  usage?: { inputTokens: number; outputTokens: number } | null | undefined;
}

export function genAiAttributes(call: GenAiCall): Attributes {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': call.provider,
    ...(call.requestModel && { 'gen_ai.request.model': call.requestModel }),
    ...(call.responseModel && { 'gen_ai.response.model': call.responseModel }),
    ...(call.usage && {
      'gen_ai.usage.input_tokens': call.usage.inputTokens,
      'gen_ai.usage.output_tokens': call.usage.outputTokens,
    }),
  };
}

/**
 * Runs `work` in a new active span (children made during it hang under it) and ends the span
 * with it; a throw marks the span as an error with the error's code or name, never its message
 * (which may quote a provider's reply).
 */
export function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  // Without an SDK no span is made, and the work runs as it is (no context, no wrapper).
  if (!spansRecorded()) return work(NOT_RECORDED);
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, errorType(error));
      throw error;
    } finally {
      span.end();
    }
  });
}

/** What work gets to annotate while no SDK is started: it records nothing. */
const NOT_RECORDED = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

let recorded = false;

/**
 * Whether an SDK is started (tracing.ts): once it is, the global provider delegates to it. The
 * API's no-op span costs a context and an async wrapper per span, per job several: a profile of
 * the sync ask showed them.
 */
function spansRecorded(): boolean {
  if (recorded) return true;
  const provider = trace.getTracerProvider();
  recorded =
    !(provider instanceof ProxyTracerProvider) ||
    provider.getDelegateTracer('iscoolgpt') !== undefined;
  return recorded;
}

/** Marks a span as failed with a stable, text-free error type (a job error code). */
export function markFailed(span: Span, type: string): void {
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}

/** Says which job the request span under way is about (the ask that created it). */
export function tagActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}
