/**
 * Reads Prometheus text (exposition format 0.0.4) into samples, so the tests assert on series and
 * values rather than on how lines happen to be written. Written here: the one parser package on
 * npm drops the sums, counts and labels of labelled histograms.
 */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export interface Scrape {
  /** Family names served (`# TYPE` lines). */
  names: string[];
  /** The family's type (`counter`, `gauge`, `histogram`, …), undefined when not served. */
  type(name: string): string | undefined;
  /** Sum of the samples named `name` whose labels include `labels` (0 when none). */
  value(name: string, labels?: Record<string, string>): number;
  /** Count and sum of a histogram's observations whose labels include `labels`. */
  histogram(name: string, labels?: Record<string, string>): { count: number; sum: number };
}

export function readScrape(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const typed = /^# TYPE (\S+) (\S+)/.exec(line);
    if (typed) types.set(typed[1]!, typed[2]!);
    const sample = line.startsWith('#') ? null : SAMPLE.exec(line);
    if (!sample) continue;
    const labels = Object.fromEntries(
      [...(sample[2] ?? '').matchAll(LABEL)].map(([, key, value]) => [key!, value!]),
    );
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples
      .filter(
        (sample) =>
          sample.name === name &&
          Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted),
      )
      .reduce((total, sample) => total + sample.value, 0);
  return {
    names: [...types.keys()],
    type: (name) => types.get(name),
    value,
    histogram: (name, labels = {}) => ({
      count: value(`${name}_count`, labels),
      sum: value(`${name}_sum`, labels),
    }),
  };
}
