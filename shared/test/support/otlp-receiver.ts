/**
 * An OTLP/HTTP trace receiver for tests: what a collector would receive at `/v1/traces`, decoded
 * from OTLP's JSON encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/json), so tests assert on the spans
 * the processes really exported.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
};
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: KeyValue[];
  status?: { code?: number };
}
interface ExportRequest {
  resourceSpans: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans: { spans?: OtlpSpan[] }[];
  }[];
}

export interface ReceivedSpan {
  /** The exporting process's `service.name`. */
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

const valueOf = (value: AnyValue) =>
  value.stringValue ??
  (value.intValue !== undefined ? Number(value.intValue) : undefined) ??
  value.doubleValue ??
  value.boolValue ??
  '';

const attributesOf = (list: KeyValue[] = []) =>
  Object.fromEntries(list.map(({ key, value }) => [key, valueOf(value)]));

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Every JSON request body as received, to search for what must never be exported. */
  readonly bodies: string[] = [];
  /** Every request, as sent (protobuf bodies are kept undecoded). */
  readonly requests: { path: string; contentType: string; body: Buffer }[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = request.headers['content-type'] ?? '';
      this.requests.push({ path: request.url ?? '', contentType, body });
      if (request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      if (!contentType.includes('json')) {
        response.writeHead(200, { 'content-type': contentType }).end();
        return;
      }
      const text = body.toString('utf8');
      this.bodies.push(text);
      for (const resourceSpans of (JSON.parse(text) as ExportRequest).resourceSpans) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
        for (const span of resourceSpans.scopeSpans.flatMap((scope) => scope.spans ?? [])) {
          this.spans.push({
            service,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            name: span.name,
            kind: span.kind,
            attributes: attributesOf(span.attributes),
          });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    receiver.server.listen(0, '127.0.0.1');
    await once(receiver.server, 'listening');
    return receiver;
  }

  /** The endpoint to give as OTEL_EXPORTER_OTLP_ENDPOINT. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
