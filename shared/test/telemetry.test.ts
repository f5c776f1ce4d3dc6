import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startTracing } from '../src/tracing.js';
import { captureLogs } from './support/logs.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

describe('metrics and traces settings', () => {
  it('serve no worker metrics and start no tracing by default', () => {
    const config = loadConfig({});
    expect(config.METRICS_PORT).toBeUndefined();
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(config.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
  });

  it('refuse what is not a port, a URL or an OTLP/HTTP protocol, naming the variable', () => {
    expect(() => loadConfig({ METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT: must be a port/);
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL/,
    );
    expect(loadConfig({ METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
  });

  it('start no SDK without an endpoint: spans stay the API’s no-ops', async () => {
    const { logger } = captureLogs('info');
    const tracing = await startTracing(loadConfig({}), 'worker', logger);

    expect(tracing).toBeUndefined();
    const span = trace.getTracer('test').startSpan('nothing');
    expect(span.isRecording()).toBe(false);
    span.end();
  });
});

describe('tracing with an endpoint', () => {
  it('exports spans over OTLP http/protobuf by default, to <endpoint>/v1/traces', async () => {
    const receiver = await OtlpReceiver.start();
    const { logger } = captureLogs('info');
    const tracing = await startTracing(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.endpoint}/` }),
      'worker',
      logger,
    );
    try {
      trace.getTracer('test').startSpan('probe span').end();
      await tracing?.shutdown();

      const sent = receiver.requests.find((request) => request.path === '/v1/traces');
      expect(sent?.contentType).toBe('application/x-protobuf');
      // Protobuf keeps strings as UTF-8 bytes: the span's name and the service's are there.
      expect(sent?.body.includes('probe span')).toBe(true);
      expect(sent?.body.includes('iscoolgpt-worker')).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
