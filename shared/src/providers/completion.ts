import { z } from 'zod';
import type { Answer, ProviderCallOptions } from '../domain/ports.js';
import { badResponse, contentFiltered, type ProviderIdentity } from './failures.js';

/**
 * The part of a streamed chat completion chunk we rely on. OpenAI, TGI, vLLM, Ollama and the
 * Hugging Face router all stream this shape; anything else is a bad response, not a crash.
 */
const chunkSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            // OpenAI streams a model's own refusal here instead of in `content`.
            refusal: z.string().nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  // With `stream_options.include_usage`, the last chunk carries usage and no choices.
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative(),
    })
    .nullish(),
});

/**
 * Reads a chat completion stream to its end: each piece of text goes to `onDelta` as it arrives,
 * and the whole makes the answer. A refusal or a content-filter stop fails the call even if some
 * text came first, and so does an abort.
 */
export async function collectStream(
  who: ProviderIdentity,
  chunks: AsyncIterable<unknown>,
  requestedModel: string,
  { signal, onDelta }: ProviderCallOptions,
): Promise<Answer> {
  let text = '';
  let model: string | undefined;
  let usage: z.infer<typeof chunkSchema>['usage'];
  let chunkCount = 0;
  for await (const raw of chunks) {
    const parsed = chunkSchema.safeParse(raw);
    if (!parsed.success) throw badResponse(who, 'a stream chunk is not a chat completion chunk');
    chunkCount += 1;
    const chunk = parsed.data;
    model ??= chunk.model?.trim() || undefined;
    usage = chunk.usage ?? usage;
    for (const choice of chunk.choices.slice(0, 1)) {
      if (choice.finish_reason === 'content_filter' || choice.delta?.refusal) {
        throw contentFiltered(who);
      }
      const piece = choice.delta?.content;
      if (piece) {
        text += piece;
        onDelta?.(piece);
      }
    }
  }
  // An SDK may end its iteration quietly when the call is aborted: a cut answer is no answer.
  signal?.throwIfAborted();
  if (chunkCount === 0) throw badResponse(who, 'the stream is empty');
  const answer = text.trim();
  if (!answer) throw badResponse(who, 'the answer is empty');
  return {
    text: answer,
    provider: who.name,
    // The upstream names the exact model that answered (e.g. a dated snapshot); servers that
    // leave it out answered with the model we asked for.
    model: model ?? requestedModel,
    // Some OpenAI-compatible servers omit usage: the meter then counts with the tokenizer.
    usage: usage
      ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens }
      : null,
  };
}
