import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

export interface AgentRequest {
  method: string;
  url: string;
  body: Record<string, unknown>;
}

/**
 * A stand-in for the ECS container agent's task-protection endpoint ($ECS_AGENT_URI), speaking
 * its wire format: PUT /task-protection/v1/state → {"protection": …} or {"failure": …}.
 */
export class FakeEcsAgent {
  readonly requests: AgentRequest[] = [];
  /** The next request is answered with a failure, as the agent does for an invalid task. */
  failNext = false;
  /** Called as each request arrives, so a test can note what else was happening at that moment. */
  onRequest: ((request: AgentRequest) => void) | undefined;

  private constructor(
    private readonly server: Server,
    readonly uri: string,
  ) {}

  static async start(): Promise<FakeEcsAgent> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const agent = new FakeEcsAgent(server, `http://127.0.0.1:${port}/v4/task-id`);
    server.on('request', (req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        const request = { method: req.method ?? '', url: req.url ?? '', body };
        agent.requests.push(request);
        agent.onRequest?.(request);
        res.setHeader('content-type', 'application/json');
        const failure = agent.failNext;
        agent.failNext = false;
        res.end(
          JSON.stringify(
            failure
              ? { failure: { Arn: 'arn:aws:ecs:task', Reason: 'TASK_NOT_VALID' } }
              : { protection: { ProtectionEnabled: body.ProtectionEnabled } },
          ),
        );
      });
    });
    return agent;
  }

  /** What the worker asked for, in order: true = protect, false = release. */
  get states(): unknown[] {
    return this.requests.map((request) => request.body.ProtectionEnabled);
  }

  reset(): void {
    this.requests.length = 0;
    this.onRequest = undefined;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
