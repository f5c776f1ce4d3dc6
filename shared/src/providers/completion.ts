import { z } from 'zod';
import type { Answer } from '../domain/ports.js';
import { badResponse, contentFiltered, type ProviderIdentity } from './failures.js';

/**
 * The part of a chat completion we rely on. OpenAI, TGI, vLLM, Ollama and the Hugging Face router
 * all answer in this shape; anything else is a bad response, not a crash.
 */
const chatCompletionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          // OpenAI puts a model's own refusal here instead of in `content`.
          refusal: z.string().nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative(),
    })
    .nullish(),
});

export function toAnswer(who: ProviderIdentity, body: unknown, requestedModel: string): Answer {
  const parsed = chatCompletionSchema.safeParse(body);
  if (!parsed.success) {
    throw badResponse(who, typeof body === 'string' ? 'the body is not JSON' : 'no choices');
  }
  const { choices, usage, model } = parsed.data;
  const [choice] = choices as [(typeof choices)[number]];
  if (choice.finish_reason === 'content_filter' || choice.message.refusal) {
    throw contentFiltered(who);
  }
  const text = choice.message.content?.trim();
  if (!text) throw badResponse(who, 'the answer is empty');
  return {
    text,
    provider: who.name,
    // The upstream names the exact model that answered (e.g. a dated snapshot); servers that
    // leave it out answered with the model we asked for.
    model: model?.trim() || requestedModel,
    // Some OpenAI-compatible servers omit usage; zero is what we know was counted.
    usage: { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 },
  };
}
