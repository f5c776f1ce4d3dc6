import { SpanKind } from '@opentelemetry/api';
import type {
  Answer,
  AnswerProvider,
  AnswerRequest,
  ProviderCallOptions,
} from '../domain/ports.js';
import { genAiAttributes, inSpan } from '../domain/tracing.js';

/**
 * One call to a provider, in a GenAI client span (`chat <model>`): the provider's HTTP request
 * hangs under it. The span names the provider, the models and the tokens, never the text.
 */
export function askProvider(
  provider: AnswerProvider,
  request: AnswerRequest,
  options: ProviderCallOptions,
): Promise<Answer> {
  const call = { provider: provider.name, requestModel: request.model };
  return inSpan(
    request.model ? `chat ${request.model}` : 'chat',
    { kind: SpanKind.CLIENT, attributes: genAiAttributes(call) },
    async (span) => {
      const answer = await provider.answer(request, options);
      span.setAttributes(
        genAiAttributes({ ...call, responseModel: answer.model, usage: answer.usage }),
      );
      return answer;
    },
  );
}
