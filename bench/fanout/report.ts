/**
 * Turns the raw runs into the Markdown of issue #4: medians per
 * server/variant x N, then ratios between servers at the same N.
 */

/** The parts of rtmp-bench's JSON (version 1) the report reads. */
export interface BenchResult {
  tool: string;
  version: number;
  players: number;
  timedOut: boolean;
  sessions: { opened: number; playStart: number; keyframe: number; errors: number; closedEarly: number };
  delivered: { aggregateMbps: number; perPlayerMbps: { min: number; median: number; max: number }; behind: number };
  lateJoin: {
    count: number;
    connectToPlayStartMs: { median: number | null; p95: number | null } | null;
    playToKeyframeMs: { median: number | null; p95: number | null } | null;
  } | null;
  latencyMs: { samples: number; median: number; p99: number; max: number } | null;
  server: { pid: number; cpuPercent: number; rssBeforeKiB: number; rssKiB: number; rssDeltaPerPlayerKiB: number } | null;
  efficiency: { gbpsPerCore: number } | null;
}

export interface RunRecord {
  variant: string;
  server: string;
  args: string[];
  n: number;
  rep: number;
  startedAt: string;
  ok: boolean;
  error?: string;
  exitCode?: number;
  result?: BenchResult;
}

export function median(values: number[]): number | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

interface Column {
  title: string;
  pick: (r: BenchResult) => number | null | undefined;
  digits: number;
}

const COLUMNS: Column[] = [
  { title: 'Gbit/s out', pick: (r) => r.delivered.aggregateMbps / 1000, digits: 3 },
  { title: 'server CPU %', pick: (r) => r.server?.cpuPercent, digits: 1 },
  { title: 'Gbit/s per core', pick: (r) => r.efficiency?.gbpsPerCore, digits: 2 },
  { title: 'players behind', pick: (r) => r.delivered.behind, digits: 0 },
  { title: 'errors', pick: (r) => r.sessions.errors + r.sessions.closedEarly, digits: 0 },
  { title: 'RSS KiB/player', pick: (r) => r.server?.rssDeltaPerPlayerKiB, digits: 1 },
  { title: 'join→Play.Start ms', pick: (r) => r.lateJoin?.connectToPlayStartMs?.median, digits: 1 },
  { title: 'play→keyframe ms', pick: (r) => r.lateJoin?.playToKeyframeMs?.median, digits: 1 },
  { title: 'latency med ms', pick: (r) => r.latencyMs?.median, digits: 2 },
  { title: 'latency p99 ms', pick: (r) => r.latencyMs?.p99, digits: 2 },
];

function fmt(value: number | null, digits: number): string {
  return value === null ? '–' : value.toFixed(digits);
}

type Cell = { runs: BenchResult[]; failed: number };

function group(records: RunRecord[]): Map<string, Map<number, Cell>> {
  const byVariant = new Map<string, Map<number, Cell>>();
  for (const rec of records) {
    let byN = byVariant.get(rec.variant);
    if (!byN) byVariant.set(rec.variant, (byN = new Map()));
    let cell = byN.get(rec.n);
    if (!cell) byN.set(rec.n, (cell = { runs: [], failed: 0 }));
    if (rec.ok && rec.result) cell.runs.push(rec.result);
    else cell.failed++;
  }
  return byVariant;
}

function cellMedian(cell: Cell | undefined, pick: Column['pick']): number | null {
  if (!cell) return null;
  return median(cell.runs.map((r) => pick(r)).filter((x): x is number => typeof x === 'number'));
}

export function renderMarkdown(records: RunRecord[], variantOrder: string[]): string {
  const groups = group(records);
  const variants = [
    ...variantOrder.filter((v) => groups.has(v)),
    ...[...groups.keys()].filter((v) => !variantOrder.includes(v)),
  ];
  const lines: string[] = [];
  lines.push('### Medians per server and N');
  lines.push('');
  lines.push(`| server | N | runs | ${COLUMNS.map((c) => c.title).join(' | ')} |`);
  lines.push(`| --- | ---: | ---: | ${COLUMNS.map(() => '---:').join(' | ')} |`);
  for (const variant of variants) {
    const byN = groups.get(variant) as Map<number, Cell>;
    for (const n of [...byN.keys()].sort((a, b) => a - b)) {
      const cell = byN.get(n) as Cell;
      const runs = cell.failed > 0 ? `${cell.runs.length} (+${cell.failed} failed)` : String(cell.runs.length);
      const values = COLUMNS.map((c) => fmt(cellMedian(cell, c.pick), c.digits));
      lines.push(`| ${variant} | ${n} | ${runs} | ${values.join(' | ')} |`);
    }
  }
  lines.push('');
  lines.push(...renderRatios(groups));
  return lines.join('\n');
}

/** a/b of two medians at every N both have. */
function ratioRows(
  groups: Map<string, Map<number, Cell>>,
  a: string,
  b: string,
): string[] {
  const ga = groups.get(a);
  const gb = groups.get(b);
  if (!ga || !gb) return [];
  const rows: string[] = [];
  for (const n of [...ga.keys()].filter((k) => gb.has(k)).sort((x, y) => x - y)) {
    const ratio = (pick: Column['pick']): string => {
      const x = cellMedian(ga.get(n), pick);
      const y = cellMedian(gb.get(n), pick);
      return x === null || y === null || y === 0 ? '–' : `${(x / y).toFixed(2)}×`;
    };
    rows.push(
      `| ${a} / ${b} | ${n} | ${ratio((r) => r.delivered.aggregateMbps)} | ${ratio((r) => r.server?.cpuPercent)} | ` +
        `${ratio((r) => r.efficiency?.gbpsPerCore)} | ${ratio((r) => r.server?.rssDeltaPerPlayerKiB)} | ` +
        `${ratio((r) => r.latencyMs?.p99)} |`,
    );
  }
  return rows;
}

const RATIO_PAIRS: Array<[string, string]> = [
  ['engine', 'nginx'],
  ['engine', 'ideal'],
  ['engine', 'nms'],
  ['nginx', 'ideal'],
  ['engine-merge33', 'nginx'],
  ['engine-merge100', 'nginx'],
  ['engine-merge33', 'engine'],
  ['engine-merge100', 'engine'],
  ['ideal-merge33', 'nginx'],
  ['ideal-merge100', 'nginx'],
  ['engine-merge33', 'ideal-merge33'],
  ['engine-merge100', 'ideal-merge100'],
];

function renderRatios(groups: Map<string, Map<number, Cell>>): string[] {
  const rows = RATIO_PAIRS.flatMap(([a, b]) => ratioRows(groups, a, b));
  if (rows.length === 0) return [];
  return [
    '### Ratios of medians',
    '',
    'Throughput and Gbit/s per core: higher is better for the first server; CPU, RSS and p99 latency: lower is.',
    '',
    '| pair | N | Gbit/s out | CPU % | Gbit/s per core | RSS/player | latency p99 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ];
}
