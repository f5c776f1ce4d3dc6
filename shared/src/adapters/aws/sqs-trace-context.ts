import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  type Context,
  type SpanOptions,
} from '@opentelemetry/api';

/**
 * The W3C trace context (`traceparent`, `tracestate`) carried from the api to the worker as SQS
 * message attributes, so one ask is one trace across both processes. Without an SDK started the
 * propagator is the API's no-op: no attribute is sent, none is read.
 */
export const TRACE_CONTEXT_ATTRIBUTES = ['traceparent', 'tracestate'];

/** The active trace context as message attributes (none when nothing is traced). */
export function traceContextAttributes(): Record<string, MessageAttributeValue> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const entries = Object.entries(carrier);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
}

/** The trace context a message carries (the root context when it carries none). */
export function traceContextOf(
  attributes: Record<string, MessageAttributeValue> | undefined,
): Context {
  if (!attributes) return ROOT_CONTEXT;
  const carrier: Record<string, string> = {};
  for (const name of TRACE_CONTEXT_ATTRIBUTES) {
    const value = attributes[name]?.StringValue;
    if (value) carrier[name] = value;
  }
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** A messaging span's options (OpenTelemetry messaging conventions for SQS). */
export function messagingSpan(
  operation: 'send' | 'process',
  queueUrl: string,
): { name: string; options: SpanOptions } {
  const queue = queueUrl.split('/').at(-1) ?? queueUrl;
  return {
    name: `${operation} ${queue}`,
    options: {
      kind: operation === 'send' ? SpanKind.PRODUCER : SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'aws_sqs',
        'messaging.operation.type': operation,
        'messaging.destination.name': queue,
      },
    },
  };
}
