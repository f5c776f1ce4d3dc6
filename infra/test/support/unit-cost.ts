/**
 * What 1,000 questions cost on a synthesized environment at the stated load (config.load, the
 * same load the study page's usage plan is sized for): the idle month spread over the month's
 * questions, the charges that start with traffic, each per-use item, and beside them the LLM.
 * infra/README.md's "Cost per 1,000 questions" tables are generated from this.
 */
import { EMF_METRICS } from '../../lib/shared-resources.js';
import { LOAD_SHAPE, questionsPerDay } from '../../lib/sizing.js';
import { idleCost, PRICES, total, type CostItem } from './cost.js';
import { taskDefinitionOf, type Synthesized } from './synth.js';

/**
 * One question, as the services handle it. Estimates from the code paths, stated so they can be
 * checked: the page's requests (LOAD_SHAPE), what the worker and the api write and read.
 */
export const USAGE_PER_QUESTION = {
  /** Through CloudFront and API Gateway: the ask (streamed), one more read, feedback. */
  requests: LOAD_SHAPE.requestsPerQuestion,
  /** To the browser: the streamed answer with its SSE framing, and the two small responses. */
  bytesToBrowser: 40_000,
  /** Through the ALB, both ways. */
  albBytes: 45_000,
  /** Log lines: the api's request lines, the worker's job lines, API Gateway's access lines. */
  bytesLogged: 4_000,
  /** SQS: the api's send; the worker's receive, delete and a visibility heartbeat now and then. */
  sqsRequests: 4,
  /**
   * DynamoDB on demand: the job and its idempotency record (one transaction, twice the units),
   * the conversation's turn, the claim, lease renewals, the outcome (a 2 KB answer is 2–3 units).
   */
  writeUnits: 12,
  /** Strongly consistent reads: the sync wait's checks, the claim, earlier turns, the job read. */
  readUnits: 10,
  /** Job events cache: about 10 s of streaming at 100 ECPU/s, and a replay. */
  ecpus: 1_200,
  /** To and from the provider: the prompt with earlier turns, the streamed answer. */
  providerBytes: 20_000,
  /** Of which sent out (the prompt), billed as data out where no NAT gateway carries it. */
  providerBytesOut: 6_000,
  /** The default model's prompt (system prompt, earlier turns, question) and answer. */
  llmInputTokens: 1_000,
  llmOutputTokens: 400,
  /** A job's typical duration (the worker's backlog target assumes the same). */
  jobSeconds: 8,
  /**
   * Traces X-Ray records: one per request to the api (the ask's holds the worker's spans too);
   * calls made outside a request (the worker's polls) start none.
   */
  traces: LOAD_SHAPE.requestsPerQuestion,
} as const;

/** API Gateway publishes this many metrics per method once detailed metrics are on and it has traffic. */
const METRICS_PER_METHOD = 5;
/**
 * The custom metrics the services write as embedded metric format once they have traffic: each
 * name as a total, and the per-dimension series a month of traffic makes (a few error codes, the
 * default model, the three quota limits); plus ThrottledRequests, the one log metric filter.
 */
const EMF_NAMES = Object.values(EMF_METRICS).flatMap((name) =>
  typeof name === 'string' ? [name] : Object.values(name),
).length;
const EMF_DIMENSION_SERIES = { ErrorCode: 4, Model: 1, Code: 3 };
const SERVICE_METRICS =
  EMF_NAMES + Object.values(EMF_DIMENSION_SERIES).reduce((sum, n) => sum + n, 0) + 1;

const GB = 1e9;
const round4 = (usd: number) => Math.round(usd * 1e4 + 1e-9) / 1e4;

export interface UnitCost {
  /** The month's questions at the stated load. */
  readonly questionsPerMonth: number;
  readonly rows: CostItem[];
  /** AWS, per 1,000 questions. */
  readonly aws: number;
  readonly llm: CostItem;
}

export function costPerThousandQuestions(app: Synthesized): UnitCost {
  const t = app.template;
  const u = USAGE_PER_QUESTION;
  const questionsPerMonth = questionsPerDay(app.config.load) * LOAD_SHAPE.daysPerMonth;
  const thousands = questionsPerMonth / 1000;
  const perThousand = (perQuestion: number) => perQuestion * 1000;
  const idle = total(idleCost(app));

  const methods = Object.values(t.findResources('AWS::ApiGateway::Method')).filter(
    (m) => m.Properties.HttpMethod !== 'OPTIONS',
  ).length;
  const detailedMetrics = app.config.edge.detailedMetrics ? methods * METRICS_PER_METHOD : 0;
  const trafficMetrics = detailedMetrics + SERVICE_METRICS;
  const nat = Object.keys(t.findResources('AWS::EC2::NatGateway')).length > 0;

  // The busiest hour's jobs in flight, against what the worker's floor runs at once.
  const busiestHourJobs =
    ((questionsPerDay(app.config.load) * LOAD_SHAPE.busiestHourShare) / 3600) * u.jobSeconds;
  const concurrency = app.config.app.workerConcurrency;
  const extraTasks = Math.max(
    0,
    Math.ceil(busiestHourJobs / concurrency) - app.config.worker.desiredCount,
  );
  const worker = taskDefinitionOf(t, 'worker').resource.Properties;
  const arch = (worker.RuntimePlatform as { CpuArchitecture: 'X86_64' | 'ARM64' }).CpuArchitecture;
  const spotTaskHour =
    ((Number(worker.Cpu) / 1024) * PRICES.fargate[arch].vcpuHour +
      (Number(worker.Memory) / 1024) * PRICES.fargate[arch].gbHour) *
    PRICES.fargateSpotFraction;

  const rows: CostItem[] = [
    {
      item: 'idle month (table above), spread over the month',
      quantity: `$${idle.toFixed(2)} / ${thousands} thousand`,
      monthly: idle / thousands,
    },
    {
      item: 'metrics that start with traffic (per-method API metrics, the services’ own metrics)',
      quantity: `${trafficMetrics} metrics`,
      monthly: (trafficMetrics * PRICES.customMetricMonth) / thousands,
    },
    {
      item: 'worker tasks added in the busiest hour (Fargate Spot)',
      quantity: `${extraTasks} × 1 h a day`,
      monthly: (extraTasks * LOAD_SHAPE.daysPerMonth * spotTaskHour) / thousands,
    },
    {
      item: 'API Gateway requests',
      quantity: `${u.requests} a question`,
      monthly: perThousand((u.requests * PRICES.apiGatewayPerMillionRequests) / 1e6),
    },
    {
      item: 'CloudFront, South America (HTTPS requests, data out)',
      quantity: `${u.requests} requests, ${u.bytesToBrowser / 1000} KB`,
      monthly: perThousand(
        (u.requests * PRICES.cloudFrontSouthAmericaPer10kHttps) / 1e4 +
          (u.bytesToBrowser / GB) * PRICES.cloudFrontSouthAmericaGbOut,
      ),
    },
    {
      item: 'SQS requests',
      quantity: `${u.sqsRequests} a question`,
      monthly: perThousand((u.sqsRequests * PRICES.sqsPerMillionRequests) / 1e6),
    },
    {
      item: 'DynamoDB on demand (write, read units)',
      quantity: `${u.writeUnits} + ${u.readUnits}`,
      monthly: perThousand(
        (u.writeUnits * PRICES.dynamoDbPerMillionWriteUnits +
          u.readUnits * PRICES.dynamoDbPerMillionReadUnits) /
          1e6,
      ),
    },
    {
      item: 'job events cache ECPUs',
      quantity: `${u.ecpus.toLocaleString('en-US')} a question`,
      monthly: perThousand((u.ecpus * PRICES.valkeyPerMillionEcpu) / 1e6),
    },
    nat
      ? {
          item: 'NAT gateway data (provider calls)',
          quantity: `${u.providerBytes / 1000} KB`,
          monthly: perThousand((u.providerBytes / GB) * PRICES.natGatewayGbProcessed),
        }
      : {
          item: 'data out to the providers (no NAT)',
          quantity: `${u.providerBytesOut / 1000} KB`,
          monthly: perThousand((u.providerBytesOut / GB) * PRICES.internetGbOut),
        },
    {
      item: 'ALB capacity units (processed bytes)',
      quantity: `${u.albBytes / 1000} KB`,
      // One LCU is 1 GB processed in an hour: a month's GB are its LCU-hours from bytes.
      monthly: perThousand((u.albBytes / GB) * PRICES.albLcuHour),
    },
    {
      item: 'X-Ray traces recorded (no free tier counted)',
      quantity: `${u.traces} a question`,
      monthly: perThousand((u.traces * PRICES.xRayPerMillionTracesRecorded) / 1e6),
    },
    {
      item: 'CloudWatch Logs ingested',
      quantity: `${u.bytesLogged / 1000} KB`,
      monthly: perThousand((u.bytesLogged / GB) * PRICES.logsIngestedGb),
    },
  ].map((row) => ({ ...row, monthly: round4(row.monthly) }));

  const { llm } = PRICES;
  return {
    questionsPerMonth,
    rows,
    aws: round4(rows.reduce((sum, row) => sum + row.monthly, 0)),
    llm: {
      item: `LLM: ${llm.model}, the default model`,
      quantity: `${u.llmInputTokens.toLocaleString('en-US')} in, ${u.llmOutputTokens} out tokens`,
      monthly: round4(
        perThousand(
          (u.llmInputTokens * llm.inputPerMillionTokens +
            u.llmOutputTokens * llm.outputPerMillionTokens) /
            1e6,
        ),
      ),
    },
  };
}
