import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One ReceiveMessage call as it crossed the wire: when it was sent, and what it brought back. */
export interface RecordedReceive {
  readonly queueUrl: string;
  /** performance.now() when the request reached the proxy. */
  readonly sentAt: number;
  /** performance.now() when SQS answered. */
  readonly answeredAt: number;
  readonly messages: { messageId: string; receiveCount: number }[];
}

/**
 * An HTTP proxy in front of local AWS (moto or LocalStack) that a worker reaches through
 * AWS_ENDPOINT_URL. It forwards every call unchanged and records each SQS ReceiveMessage (JSON
 * protocol) with the messages SQS handed out and their ApproximateReceiveCount: what a queue saw
 * one worker take, observed on the wire rather than inside the worker.
 */
export class SqsRecorder {
  readonly receives: RecordedReceive[] = [];
  /** Every call's action (`SendMessage`, `ReceiveMessage`, …), in the order they arrived. */
  readonly actions: string[] = [];
  /** ReceiveMessage calls waiting on SQS right now (long polls under way). */
  openReceives = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(upstream: string): Promise<SqsRecorder> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const recorder = new SqsRecorder(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => {
      void recorder.forward(upstream, req).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
    return recorder;
  }

  private async forward(upstream: string, req: IncomingMessage) {
    const sentAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && name !== 'host' && name !== 'connection') {
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    this.actions.push(target.replace(/^AmazonSQS\./, ''));
    const receiving = target === 'AmazonSQS.ReceiveMessage';
    if (receiving) this.openReceives += 1;
    let response: Response;
    let answer: Buffer;
    try {
      response = await fetch(new URL(req.url ?? '/', upstream), {
        method: req.method ?? 'GET',
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      answer = Buffer.from(await response.arrayBuffer());
    } finally {
      if (receiving) this.openReceives -= 1;
    }
    if (receiving && response.ok) {
      const request = JSON.parse(body.toString('utf8')) as { QueueUrl: string };
      const parsed = JSON.parse(answer.toString('utf8')) as {
        Messages?: { MessageId: string; Attributes?: Record<string, string> }[];
      };
      this.receives.push({
        queueUrl: request.QueueUrl,
        sentAt,
        answeredAt: performance.now(),
        messages: (parsed.Messages ?? []).map((m) => ({
          messageId: m.MessageId,
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? Number.NaN),
        })),
      });
    }
    const outHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name))
        outHeaders[name] = value;
    });
    return { status: response.status, headers: outHeaders, body: answer };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
