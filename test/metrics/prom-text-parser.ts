/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for
 * tests: it throws on the first line that is not a valid HELP, TYPE, sample
 * or empty line, and checks what a scraper relies on:
 * - metric and label names match the format's rules, label values use only
 *   the \\ \" \n escapes, values are floats (or ±Inf, NaN, as Go reads them);
 * - a family has at most one HELP and one TYPE, TYPE before its samples, and
 *   its samples are contiguous; no sample (name + labels) appears twice;
 * - counters are >= 0; histograms have `le` buckets rising to +Inf,
 *   cumulative counts, and _count equal to the +Inf bucket, with _sum;
 *   summaries have quantile samples in [0, 1], _sum and _count.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/;

/**
 * The format takes values "as Go's ParseFloat() reads them": decimal floats,
 * and inf/infinity (signed) and nan in any letter case (prom-client writes
 * "Nan" for a Node metric with no samples yet).
 */
function parseValue(text: string, where: string): number {
  const lower = text.toLowerCase();
  if (/^\+?inf(inity)?$/.test(lower)) return Infinity;
  if (/^-inf(inity)?$/.test(lower)) return -Infinity;
  if (lower === 'nan') return NaN;
  if (!FLOAT.test(text)) throw new Error(`${where}: bad value "${text}"`);
  return Number(text);
}

/** `{a="x",b="y"}` from position i (at '{'); returns the labels and the index after '}'. */
function parseLabels(line: string, i: number, where: string): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++; // '{'
  for (;;) {
    if (line[i] === '}') return [labels, i + 1];
    const eq = line.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without '='`);
    const name = line.slice(i, eq);
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`${where}: bad label name "${name}"`);
    if (name in labels) throw new Error(`${where}: label "${name}" twice`);
    if (line[eq + 1] !== '"') throw new Error(`${where}: label value not quoted`);
    let j = eq + 2;
    let value = '';
    for (;;) {
      const c = line[j];
      if (c === undefined) throw new Error(`${where}: unterminated label value`);
      if (c === '"') break;
      if (c === '\\') {
        const e = line[j + 1];
        if (e === '\\') value += '\\';
        else if (e === '"') value += '"';
        else if (e === 'n') value += '\n';
        else throw new Error(`${where}: bad escape "\\${e ?? ''}"`);
        j += 2;
        continue;
      }
      value += c;
      j++;
    }
    labels[name] = value;
    i = j + 1;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') throw new Error(`${where}: expected ',' or '}' after a label`);
  }
}

/** The family a sample name belongs to, given the families declared so far. */
function familyOf(name: string, families: Map<string, Family>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const f = families.get(base);
      if (f && (f.type === 'histogram' || f.type === 'summary')) return base;
    }
  }
  return name;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  const seenSamples = new Set<string>();
  let current: string | undefined;
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, index) => {
    const where = `line ${index + 1} (${JSON.stringify(line.slice(0, 80))})`;
    if (line === '') return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (line.startsWith('#')) {
      if (!meta) throw new Error(`${where}: a comment that is neither HELP nor TYPE`);
      const [, kind, name, rest] = meta as unknown as [string, 'HELP' | 'TYPE', string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name`);
      if (closed.has(name)) throw new Error(`${where}: ${name} declared again after its samples`);
      let family = families.get(name);
      if (!family) {
        family = { name, type: 'untyped', help: undefined, samples: [] };
        families.set(name, family);
      }
      if (current !== undefined && current !== name) closed.add(current);
      current = name;
      if (kind === 'HELP') {
        if (family.help !== undefined) throw new Error(`${where}: second HELP for ${name}`);
        if (/\\(?![\\n])/.test(rest)) throw new Error(`${where}: bad escape in HELP`);
        family.help = rest;
      } else {
        if ((family as Family & { typed?: boolean }).typed) throw new Error(`${where}: second TYPE for ${name}`);
        if (family.samples.length > 0) throw new Error(`${where}: TYPE after samples of ${name}`);
        if (!TYPES.has(rest as MetricType)) throw new Error(`${where}: unknown type "${rest}"`);
        family.type = rest as MetricType;
        (family as Family & { typed?: boolean }).typed = true;
      }
      return;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`${where}: not a sample`);
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name`);
    let labels: Record<string, string> = {};
    let i = nameEnd;
    if (line[i] === '{') [labels, i] = parseLabels(line, i, where);
    if (line[i] !== ' ') throw new Error(`${where}: expected a space before the value`);
    const parts = line.slice(i + 1).split(' ');
    if (parts.length < 1 || parts.length > 2 || parts[0] === '') throw new Error(`${where}: expected "value [timestamp]"`);
    const value = parseValue(parts[0] as string, where);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`${where}: bad timestamp`);
    const familyName = familyOf(name, families);
    if (closed.has(familyName)) throw new Error(`${where}: samples of ${familyName} are not contiguous`);
    if (current !== undefined && current !== familyName) closed.add(current);
    current = familyName;
    let family = families.get(familyName);
    if (!family) {
      family = { name: familyName, type: 'untyped', help: undefined, samples: [] };
      families.set(familyName, family);
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seenSamples.has(key)) throw new Error(`${where}: sample repeated`);
    seenSamples.add(key);
    family.samples.push({ name, labels, value });
  });
  for (const family of families.values()) checkShape(family);
  return families;
}

function withoutLabel(labels: Record<string, string>, drop: string): string {
  return JSON.stringify(Object.entries(labels).filter(([k]) => k !== drop).sort());
}

function checkShape(f: Family): void {
  const where = `${f.type} ${f.name}`;
  if (f.type === 'counter' || f.type === 'gauge' || f.type === 'untyped') {
    for (const s of f.samples) {
      if (s.name !== f.name) throw new Error(`${where}: sample ${s.name} does not belong`);
      if (f.type === 'counter' && !(s.value >= 0)) throw new Error(`${where}: negative or NaN counter ${s.value}`);
    }
    return;
  }
  const groups = new Map<string, { buckets: Array<[number, number]>; quantiles: number; sum?: number; count?: number }>();
  const group = (labels: Record<string, string>, drop: string) => {
    const key = withoutLabel(labels, drop);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { buckets: [], quantiles: 0 }));
    return g;
  };
  for (const s of f.samples) {
    if (f.type === 'histogram' && s.name === `${f.name}_bucket`) {
      if (s.labels.le === undefined) throw new Error(`${where}: bucket without le`);
      group(s.labels, 'le').buckets.push([parseValue(s.labels.le, where), s.value]);
    } else if (f.type === 'summary' && s.name === f.name) {
      const q = Number(s.labels.quantile);
      if (s.labels.quantile === undefined || !(q >= 0 && q <= 1)) throw new Error(`${where}: bad quantile`);
      group(s.labels, 'quantile').quantiles++;
    } else if (s.name === `${f.name}_sum`) {
      group(s.labels, '').sum = s.value;
    } else if (s.name === `${f.name}_count`) {
      group(s.labels, '').count = s.value;
    } else {
      throw new Error(`${where}: sample ${s.name} does not belong`);
    }
  }
  for (const [key, g] of groups) {
    if (g.sum === undefined || g.count === undefined) throw new Error(`${where} ${key}: _sum and _count are required`);
    if (f.type !== 'histogram') continue;
    const b = g.buckets;
    if (b.length === 0 || b[b.length - 1]![0] !== Infinity) throw new Error(`${where} ${key}: no +Inf bucket last`);
    for (let i = 1; i < b.length; i++) {
      if (!(b[i]![0] > b[i - 1]![0])) throw new Error(`${where} ${key}: le not rising`);
      if (b[i]![1] < b[i - 1]![1]) throw new Error(`${where} ${key}: buckets not cumulative`);
    }
    if (b[b.length - 1]![1] !== g.count) throw new Error(`${where} ${key}: +Inf bucket != _count`);
  }
}

/** The value of one sample (labels must match exactly), or undefined. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      const a = Object.entries(s.labels).sort();
      const b = Object.entries(labels).sort();
      if (JSON.stringify(a) === JSON.stringify(b)) return s.value;
    }
  }
  return undefined;
}
