/**
 * `@iscoolgpt/shared/tracing`: starts the OpenTelemetry SDK in an entry point (the api, the
 * worker, embedded mode) when OTEL_EXPORTER_OTLP_ENDPOINT is set. The SDK's modules are loaded
 * only then: without an endpoint nothing of it is loaded or started, and the domain's spans
 * (`@opentelemetry/api`) stay no-ops.
 */
import { createRequire } from 'node:module';
import type { Config } from './config.js';
import type { Logger } from './domain/ports.js';

export interface Tracing {
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/** Requests nobody needs a trace of: probes and scrapes. */
const UNTRACED_PATHS = new Set(['/health', '/metrics']);

export async function startTracing(
  config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_PROTOCOL'>,
  service: 'api' | 'worker' | 'embedded',
  logger: Logger,
): Promise<Tracing | undefined> {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const [{ NodeSDK }, json, protobuf, { HttpInstrumentation }, { UndiciInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/exporter-trace-otlp-proto'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-undici'),
    ]);
  // The generic endpoint's signal path (OTLP exporter specification).
  const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  const exporter =
    config.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/json'
      ? new json.OTLPTraceExporter({ url })
      : new protobuf.OTLPTraceExporter({ url });
  const sdk = new NodeSDK({
    serviceName: `iscoolgpt-${service}`,
    traceExporter: exporter,
    // Traces only: metrics are Prometheus and CloudWatch's, logs are pino's.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // Incoming requests (W3C traceparent honoured) and outgoing ones (the AWS SDK's calls).
      // An outgoing call outside any trace (the worker's idle long polls: three a minute per
      // poll loop) starts none: each would be a trace of its own, billed by X-Ray in AWS.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) =>
          UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
        requireParentforOutgoingSpans: true,
      }),
      // fetch: the providers' HTTP calls (openai, @huggingface/inference), inside a job's trace.
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  sdk.start();
  // The http instrumentation patches node:http and node:https when they are required after it is
  // enabled; this process's ESM modules imported them before, so require them once now.
  const require = createRequire(import.meta.url);
  require('http');
  require('https');
  logger.info(
    { endpoint: new URL(endpoint).origin, protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL },
    'traces exported over OTLP',
  );
  return { shutdown: () => sdk.shutdown() };
}
