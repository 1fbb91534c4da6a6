/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), as a scraper reads it:
 * every line must be a `# HELP`, a `# TYPE`, a blank line or a well-formed sample of a declared
 * family; histograms must be cumulative and end in `+Inf` equal to `_count`. Throws on the first
 * line that is not so, naming it.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string | undefined;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const VALUE = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|[-+]?Inf|NaN';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (${VALUE})(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME})(?: (.*))?$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;

function parseValue(text: string): number {
  if (/^[-+]?Inf$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

function unescapeLabel(value: string): string {
  return value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function familyOf(families: Map<string, Family>, name: string): Family | undefined {
  const exact = families.get(name);
  if (exact) return exact;
  const match = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!match) return undefined;
  const base = families.get(match[1]!);
  if (base?.type === 'histogram') return base;
  if (base?.type === 'summary' && match[2] !== 'bucket') return base;
  return undefined;
}

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, Family>();
  const helps = new Map<string, string>();
  const seen = new Set<string>();
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const help = HELP.exec(line);
      if (help) {
        if (helps.has(help[1]!)) throw new Error(`${where}: a second HELP for ${help[1]}`);
        helps.set(help[1]!, help[2] ?? '');
        return;
      }
      const type = TYPE.exec(line);
      if (!type) throw new Error(`${where}: neither HELP nor TYPE`);
      if (families.has(type[1]!)) throw new Error(`${where}: a second TYPE for ${type[1]}`);
      families.set(type[1]!, {
        name: type[1]!,
        type: type[2] as Family['type'],
        help: helps.get(type[1]!),
        samples: [],
      });
      return;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`${where}: not a well-formed sample`);
    const [, name, labelText = '', valueText] = sample;
    const family = familyOf(families, name!);
    if (!family) throw new Error(`${where}: no TYPE declared for ${name}`);
    const labels: Record<string, string> = {};
    for (const [, label, value] of labelText.matchAll(LABEL_PAIR)) {
      if (label! in labels) throw new Error(`${where}: label ${label} twice`);
      labels[label!] = unescapeLabel(value!);
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`${where}: a second sample with the same name and labels`);
    seen.add(key);
    family.samples.push({ name: name!, labels, value: parseValue(valueText!) });
  });
  for (const family of families.values()) {
    if (family.type === 'histogram') checkHistogram(family);
  }
  return families;
}

/** Buckets ascending and cumulative, `+Inf` present and equal to `_count`, for every label set. */
function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      entry.buckets.push([parseValue(le), s.value]);
    } else if (s.name === `${family.name}_count`) entry.count = s.value;
  }
  for (const [key, { buckets, count }] of series) {
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i]![0] > buckets[i - 1]![0])) throw new Error(`${family.name} ${key}: le not ascending`);
      if (buckets[i]![1] < buckets[i - 1]![1])
        throw new Error(`${family.name} ${key}: buckets not cumulative`);
    }
    const last = buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${family.name} ${key}: no +Inf bucket`);
    if (last[1] !== count) throw new Error(`${family.name} ${key}: +Inf ${last[1]} ≠ _count ${count}`);
  }
}

/**
 * The value of the one sample named `name` whose labels are exactly `labels` (undefined when there
 * is none).
 */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const family = familyOf(families, name);
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return family?.samples.find(
    (s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted,
  )?.value;
}
