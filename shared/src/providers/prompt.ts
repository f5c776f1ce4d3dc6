import type { AnswerRequest } from '../domain/ports.js';

/** A chat message in the shape both OpenAI and Hugging Face chat completions take. */
export type ChatMessage = {
  role: 'system' | 'user';
  content: string;
};

/**
 * The one system prompt every real provider gets. The student's question travels alone in the
 * user message, so nothing the student writes is mixed into our instructions; the short fields
 * (subject, level, language) are quoted as data.
 */
export function systemPrompt(request: Pick<AnswerRequest, 'subject' | 'level' | 'language'>) {
  const lines = [
    'You are IsCoolGPT, a patient study assistant for students.',
    'Teach rather than just answer: explain the reasoning step by step, in numbered steps, ' +
      'define the terms a student might not know, and end with a one-sentence summary.',
    'If the question is ambiguous, say which reading you answer. If you are not sure of a fact, ' +
      'say so instead of guessing.',
    request.level
      ? `Pitch the explanation at this level: ${JSON.stringify(request.level)}.`
      : 'Assume a student new to the topic unless the question shows otherwise.',
    request.language
      ? `Answer in this language: ${JSON.stringify(request.language)}.`
      : 'Answer in the language the question is written in.',
  ];
  if (request.subject) lines.push(`The subject is ${JSON.stringify(request.subject)}.`);
  return lines.join('\n');
}

export function chatMessages(request: AnswerRequest): ChatMessage[] {
  return [
    { role: 'system', content: systemPrompt(request) },
    { role: 'user', content: request.question },
  ];
}
