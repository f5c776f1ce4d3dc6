import { MODES, type Mode } from '../api/types.js';
import { useMessages } from './hooks.js';

interface Props {
  mode: Mode;
  onExample: (question: string) => void;
}

/** The empty page: what each mode does, and example questions for the chosen one. */
export function EmptyState({ mode, onExample }: Props) {
  const t = useMessages();
  return (
    <section class="empty" aria-labelledby="empty-title">
      <h2 id="empty-title">{t.emptyTitle}</h2>
      <ul class="modes">
        {MODES.map((each) => (
          <li key={each} aria-current={each === mode ? 'true' : undefined}>
            {t.modeDescriptions[each]}
          </li>
        ))}
      </ul>
      <h3>{t.examplesTitle}</h3>
      <ul class="examples">
        {t.examples[mode].map((question) => (
          <li key={question}>
            <button type="button" onClick={() => onExample(question)}>
              {question}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
