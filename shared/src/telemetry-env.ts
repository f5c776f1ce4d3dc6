import { z } from 'zod';

const unsetWhenEmpty = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/**
 * The environment variables of metrics and traces, part of the one config schema (config.ts).
 * The OTEL_* names are OpenTelemetry's own; only these are read, and they are passed to the SDK
 * explicitly.
 */
export const telemetryEnv = {
  /**
   * The worker serves Prometheus text at `GET /metrics` on this port (on HOST); no listener when
   * unset. The api serves `/metrics` on its own port.
   */
  METRICS_PORT: unsetWhenEmpty.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, 'must be a port number')
      .transform(Number)
      .pipe(z.number().max(65535, 'must be a port number'))
      .optional(),
  ),
  /**
   * The production services also write their metrics as CloudWatch embedded metric format to
   * stdout, under this namespace (the stack sets `IsCoolGPT/<env>`); none when unset.
   */
  CLOUDWATCH_METRICS_NAMESPACE: unsetWhenEmpty,
  /**
   * Where spans go (OTLP over HTTP; `/v1/traces` is added), e.g. the ADOT collector sidecar at
   * http://127.0.0.1:4318. Unset: the OpenTelemetry SDK is not started at all.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: unsetWhenEmpty.pipe(z.url().optional()),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
};
