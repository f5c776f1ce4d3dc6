import type { AnsweredBy, TokenUsage } from '../domain/job.js';

/** What a model costs, in USD per million tokens. */
export interface Price {
  input: number;
  output: number;
}

/**
 * The default models' prices (LLM_PRICES adds to and overrides them). OpenAI's list price for
 * gpt-4o-mini; Llama 3.1 8B costs what the Hugging Face router's provider charges, which varies
 * (about $0.02 to $0.30 per million): this is the upper end, so a budget errs on the safe side.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'meta-llama/Llama-3.1-8B-Instruct': { input: 0.2, output: 0.6 },
};

/** A dated snapshot's suffix: `gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`. */
const SNAPSHOT = /-\d{4}-\d{2}-\d{2}$/;

/** USD has 6 decimals in job records: micro-dollars. */
const MICROS = 1_000_000;

/** The price table (LLM_PRICES over the defaults): what a provider call cost. */
export class PriceTable {
  private readonly prices: ReadonlyMap<string, Price>;

  constructor(prices: Readonly<Record<string, Price>> = {}) {
    this.prices = new Map(Object.entries({ ...DEFAULT_PRICES, ...prices }));
  }

  /** The model's price: by its exact name, else by the name without a snapshot date. */
  priceOf(model: string): Price | undefined {
    return this.prices.get(model) ?? this.prices.get(model.replace(SNAPSHOT, ''));
  }

  /**
   * What a call cost in micro-dollars (unrounded): 0 for the offline demo provider, which calls
   * no model; undefined when the model's price is unknown.
   */
  costMicros(provider: AnsweredBy, model: string, usage: TokenUsage): number | undefined {
    if (provider === 'offline') return 0;
    const price = this.priceOf(model);
    // Per million tokens, so tokens × price is micro-dollars.
    return price && usage.inputTokens * price.input + usage.outputTokens * price.output;
  }
}

/** Micro-dollars as USD with 6 decimals. */
export function microsToUsd(micros: number): number {
  return Math.round(micros) / MICROS;
}
