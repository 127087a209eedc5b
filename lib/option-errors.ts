/**
 * Turns zod issues into one readable line per problem:
 *   - rtmp.prot: unknown option; did you mean "rtmp.port"?
 *   - rtmp.port: must be a port number: an integer in 0..65535 (got 70000)
 * Misspelled keys get the closest known key at the same level, or the full
 * path of a same-named key elsewhere (`{ port: 1935 }` → "rtmp.port").
 */
import { z } from 'zod';

type Path = ReadonlyArray<string | number>;

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable) {
      s = s._def.innerType as z.ZodTypeAny;
    } else if (s instanceof z.ZodEffects) {
      s = s._def.schema as z.ZodTypeAny;
    } else {
      return s;
    }
  }
}

/** The object shape a path leads to (through defaults, transforms and unions). */
function shapeAt(schema: z.ZodTypeAny, path: Path): Record<string, z.ZodTypeAny> | undefined {
  let s = unwrap(schema);
  for (const key of [...path, undefined]) {
    if (s instanceof z.ZodUnion) {
      const options = s._def.options as z.ZodTypeAny[];
      const obj = options.map(unwrap).find((o) => o instanceof z.ZodObject);
      if (!obj) return undefined;
      s = obj;
    }
    if (!(s instanceof z.ZodObject)) return undefined;
    const shape = s.shape as Record<string, z.ZodTypeAny>;
    if (key === undefined) return shape;
    const next = shape[String(key)];
    if (!next) return undefined;
    s = unwrap(next);
  }
  return undefined;
}

/** Every option path the schema knows, e.g. "rtmp.port", "streams.gopCache.maxMs". */
function allPaths(schema: z.ZodTypeAny, prefix: string[] = []): string[][] {
  const shape = shapeAt(schema, []);
  if (!shape) return [];
  const out: string[][] = [];
  for (const [key, child] of Object.entries(shape)) {
    const path = [...prefix, key];
    out.push(path);
    out.push(...allPaths(child, path));
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

export function suggestKey(unknownKey: string, path: Path, schema: z.ZodTypeAny): string | undefined {
  const lower = unknownKey.toLowerCase();
  const siblings = Object.keys(shapeAt(schema, path) ?? {});
  let best: string | undefined;
  let bestScore = Math.max(2, Math.floor(unknownKey.length / 3)) + 1;
  for (const candidate of siblings) {
    const score = editDistance(lower, candidate.toLowerCase());
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  if (best !== undefined) return formatPath([...path, best]);
  const elsewhere = allPaths(schema).find((p) => p[p.length - 1]?.toLowerCase() === lower);
  return elsewhere ? formatPath(elsewhere) : undefined;
}

export function formatPath(path: Path): string {
  if (path.length === 0) return 'options';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function valueAt(input: unknown, path: Path): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Sections other media servers have and this version does not yet (DESIGN.md
 * lists them as later work), with what to use meanwhile. "unknown option"
 * would read as a typo; "not available" says the name is right.
 */
const NOT_AVAILABLE: Readonly<Record<string, string>> = {
  record: 'to keep streams on disk meanwhile, set hls.folder with hls.folderVod: true',
  relay: 'to push or pull a stream meanwhile, run ffmpeg with -c copy between the servers',
};

/**
 * Listeners are switched by their section's type, not by an `enabled` key
 * (which hls, admin and metrics have): one spelling for "off", so a config
 * can never hold an HTTP port that looks on while nothing listens.
 */
const LISTENER_SWITCH: Readonly<Record<string, string>> = {
  http: 'the HTTP server is on unless "http": false',
  rtmps: 'RTMPS is on when "rtmps" is an object with cert and key, off with "rtmps": false',
};

function unknownKeyLine(key: string, path: Path, schema: z.ZodTypeAny): string {
  const where = formatPath([...path, key]);
  const notYet = path.length === 0 ? NOT_AVAILABLE[key] : undefined;
  if (notYet) return `${where}: not available in this version of rtmp-engine; ${notYet}`;
  const section = path.length === 1 ? String(path[0]) : undefined;
  if (key === 'enabled' && section !== undefined && LISTENER_SWITCH[section]) {
    return `${where}: not an option; ${LISTENER_SWITCH[section]}`;
  }
  const hint = suggestKey(key, path, schema);
  return `${where}: unknown option${hint ? `; did you mean "${hint}"?` : ''}`;
}

function issueLines(issue: z.ZodIssue, input: unknown, schema: z.ZodTypeAny): string[] {
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    return issue.keys.map((key) => unknownKeyLine(key, issue.path, schema));
  }
  if (issue.code === z.ZodIssueCode.invalid_union) {
    // The branch that accepted the value's type (an object given to
    // `boolean | {…}`) explains the problem best: report its issues.
    const depth = issue.path.length;
    const typeMismatch = (i: z.ZodIssue): boolean =>
      i.path.length === depth &&
      (i.code === z.ZodIssueCode.invalid_type || i.code === z.ZodIssueCode.invalid_literal);
    const inner = issue.unionErrors.find((e) => !e.issues.some(typeMismatch));
    if (inner) return inner.issues.flatMap((i) => issueLines(i, input, schema));
  }
  return [`${formatPath(issue.path)}: ${issue.message} (got ${describe(valueAt(input, issue.path))})`];
}

export function formatIssues(issues: z.ZodIssue[], input: unknown, schema: z.ZodTypeAny): string {
  return issues
    .flatMap((issue) => issueLines(issue, input, schema))
    .map((line) => `  - ${line}`)
    .join('\n');
}
