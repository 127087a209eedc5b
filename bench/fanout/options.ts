/**
 * Command line of the fan-out harness (see README.md). Validated once, then
 * frozen; a misspelled flag is an error with the list of known ones.
 */
import { BUILTIN_VARIANTS, SERVER_KINDS, ServerKind, Variant } from './servers';

export interface Options {
  servers: ServerKind[];
  ns: number[];
  reps: number;
  durationS: number;
  warmupS: number;
  ramp: number;
  lateJoiners: number;
  threads: number;
  variants: Variant[]; // extra variants, run at mergeN only
  mergeN: number;
  out: string;
  md: string | null;
  benchBin: string | null;
  idealBin: string | null;
  clip: string | null;
  engineArgs: string[];
  idealArgs: string[];
  reportOnly: string | null;
  dryRun: boolean;
}

const FLAGS = [
  'servers',
  'n',
  'reps',
  'duration',
  'warmup',
  'ramp',
  'late-joiners',
  'threads',
  'variants',
  'variant',
  'merge-n',
  'out',
  'md',
  'bench-bin',
  'ideal-bin',
  'clip',
  'engine-args',
  'ideal-args',
  'report-only',
  'dry-run',
  'help',
] as const;

export const USAGE = `usage: node build/bench/js/bench/fanout/run.js [flags]
  --servers LIST       engine,ideal,nginx,nms (default: all four)
  --n LIST             player counts (default 1,50,200,500,1000,2000)
  --reps R             repetitions of each cell (default 3)
  --duration S         measured seconds per run (default 10)
  --warmup S           seconds after the last Play.Start before measuring (default 2)
  --ramp RATE          player connections per second (default 200)
  --late-joiners K     players joining during the window (default 20)
  --threads T          rtmp-bench I/O loops (default 1)
  --variants LIST      write-merge variants at --merge-n: all, none, or names from
                       ${BUILTIN_VARIANTS.map((v) => v.name).join(', ')} (default none)
  --variant NAME=SERVER[:ARGS]  define or override a variant (ARGS split on spaces;
                       for nginx they are directives in the application block; for the
                       engine an arg @DIR runs DIR/dist/lib/cli.js, another checkout)
  --merge-n N          player count for the variants (default 1000)
  --engine-args ARGS   extra CLI args for every engine run (split on spaces)
  --ideal-args ARGS    extra args for every ideal-relay run
  --out FILE           raw results JSON (default build/bench/results.json)
  --md FILE            Markdown table (default: --out with .md)
  --bench-bin PATH     rtmp-bench (default: env RTMP_BENCH_BIN or the newest build/*/bench/rtmp-bench)
  --ideal-bin PATH     ideal-relay (default: env IDEAL_RELAY_BIN or the newest build/*/bench/ideal-relay)
  --clip FILE.flv      input instead of the generated 720p30 clip
  --report-only FILE   re-render the Markdown of an earlier results JSON and exit
  --dry-run            print the plan and exit
`;

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function int(name: string, text: string, min: number, max: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name}: expected an integer in ${min}..${max}, got '${text}'`);
  return v;
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((s) => s.length > 0);
}

function parseVariant(spec: string): Variant {
  const m = spec.match(/^([A-Za-z0-9_.-]+)=(engine|ideal|nginx|nms)(?::(.*))?$/);
  if (!m) throw new Error(`--variant: expected NAME=SERVER[:ARGS], got '${spec}'`);
  return { name: m[1] as string, server: m[2] as ServerKind, args: words(m[3] ?? '') };
}

export function parseOptions(argv: string[]): Options | null {
  const values = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument '${arg}'`);
    const [key, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!(FLAGS as readonly string[]).includes(key)) {
      throw new Error(`unknown flag --${key}; known: ${FLAGS.map((f) => '--' + f).join(' ')}`);
    }
    let value: string;
    if (key === 'dry-run' || key === 'help') value = 'true';
    else if (inline !== undefined) value = inline;
    else {
      const next = argv[++i];
      if (next === undefined) throw new Error(`--${key} needs a value`);
      value = next;
    }
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  if (values.has('help')) return null;
  const one = (k: string, fallback: string): string => {
    const v = values.get(k);
    return v ? (v[v.length - 1] as string) : fallback;
  };

  const servers = list(one('servers', SERVER_KINDS.join(',')));
  for (const s of servers) {
    if (!(SERVER_KINDS as readonly string[]).includes(s)) throw new Error(`--servers: unknown server '${s}'`);
  }

  const defined = new Map<string, Variant>(BUILTIN_VARIANTS.map((v) => [v.name, { ...v }]));
  for (const spec of values.get('variant') ?? []) {
    const v = parseVariant(spec);
    defined.set(v.name, v);
  }
  const variantNames = one('variants', 'none');
  let variants: Variant[] = [];
  if (variantNames === 'all') variants = BUILTIN_VARIANTS.map((v) => defined.get(v.name) as Variant);
  else if (variantNames !== 'none') {
    variants = list(variantNames).map((name) => {
      const v = defined.get(name);
      if (!v) throw new Error(`--variants: unknown variant '${name}'; known: ${[...defined.keys()].join(', ')}`);
      return v;
    });
  }
  // Variants defined with --variant but not listed still run: defining one is asking for it.
  for (const spec of values.get('variant') ?? []) {
    const name = parseVariant(spec).name;
    if (!variants.some((v) => v.name === name)) variants.push(defined.get(name) as Variant);
  }

  const out = one('out', 'build/bench/results.json');
  const md = values.has('md') ? one('md', '') : out.replace(/\.json$/, '') + '.md';
  const options: Options = {
    servers: servers as ServerKind[],
    ns: list(one('n', '1,50,200,500,1000,2000')).map((s) => int('n', s, 1, 5000)),
    reps: int('reps', one('reps', '3'), 1, 50),
    durationS: int('duration', one('duration', '10'), 1, 600),
    warmupS: int('warmup', one('warmup', '2'), 0, 120),
    ramp: int('ramp', one('ramp', '200'), 1, 10000),
    lateJoiners: int('late-joiners', one('late-joiners', '20'), 0, 1000),
    threads: int('threads', one('threads', '1'), 1, 64),
    variants,
    mergeN: int('merge-n', one('merge-n', '1000'), 1, 5000),
    out,
    md: md.length > 0 ? md : null,
    benchBin: values.has('bench-bin') ? one('bench-bin', '') : null,
    idealBin: values.has('ideal-bin') ? one('ideal-bin', '') : null,
    clip: values.has('clip') ? one('clip', '') : null,
    engineArgs: words(one('engine-args', '')),
    idealArgs: words(one('ideal-args', '')),
    reportOnly: values.has('report-only') ? one('report-only', '') : null,
    dryRun: values.has('dry-run'),
  };
  return Object.freeze(options);
}
