import type { AnsweredBy, TokenUsage, Usage } from '../domain/job.js';
import type {
  Answer,
  AnswerProvider,
  AnswerRequest,
  ProviderCallOptions,
} from '../domain/ports.js';
import { microsToUsd, type PriceTable } from './prices.js';
import { countTextTokens, promptTokens } from './prompt.js';

/** One provider call that used something, and who made it. */
interface MeteredCall {
  provider: AnsweredBy;
  model: string;
  usage: TokenUsage;
}

/**
 * Counts what every provider call made for one job used, whatever became of it: the usage the
 * provider reported, or, when it reported none (a call cut by a cancel, a failure mid-stream, a
 * server that omits usage), the prompt and the text streamed so far, counted with the tokenizer.
 * A call that failed before streaming anything is not counted: nothing shows it was billed.
 */
export class UsageMeter {
  private readonly calls: MeteredCall[] = [];

  constructor(private readonly prices: PriceTable) {}

  /** The provider, every call to it counted here. */
  metered(provider: AnswerProvider): AnswerProvider {
    return {
      name: provider.name,
      defaultModel: provider.defaultModel,
      answer: (request, options) => this.call(provider, request, options),
    };
  }

  /** What the calls used together and cost; null when none used anything. */
  get usage(): Usage | null {
    if (this.calls.length === 0) return null;
    let inputTokens = 0;
    let outputTokens = 0;
    let micros: number | undefined = 0;
    for (const call of this.calls) {
      inputTokens += call.usage.inputTokens;
      outputTokens += call.usage.outputTokens;
      const cost = this.prices.costMicros(call.provider, call.model, call.usage);
      // One call of unknown price makes the whole cost unknown.
      micros = cost === undefined || micros === undefined ? undefined : micros + cost;
    }
    return {
      inputTokens,
      outputTokens,
      costUsd: micros === undefined ? null : microsToUsd(micros),
    };
  }

  /** The model the last counted call used, and its provider (who was answering). */
  get last(): { provider: AnsweredBy; model: string } | undefined {
    const call = this.calls.at(-1);
    return call && { provider: call.provider, model: call.model };
  }

  private async call(
    provider: AnswerProvider,
    request: AnswerRequest,
    options: ProviderCallOptions = {},
  ): Promise<Answer> {
    let streamed = '';
    const onDelta = options.onDelta;
    try {
      const answer = await provider.answer(request, {
        ...options,
        onDelta(text) {
          streamed += text;
          onDelta?.(text);
        },
      });
      this.calls.push({
        provider: answer.provider,
        model: answer.model,
        usage: answer.usage ?? estimate(request, answer.text),
      });
      return answer;
    } catch (error) {
      if (streamed) {
        this.calls.push({
          provider: provider.name,
          model: request.model ?? provider.defaultModel,
          usage: estimate(request, streamed),
        });
      }
      throw error;
    }
  }
}

function estimate(request: AnswerRequest, output: string): TokenUsage {
  return { inputTokens: promptTokens(request), outputTokens: countTextTokens(output) };
}
