/**
 * Side-by-side fan-out benchmark (issue #4): rtmp-engine, the ideal relay,
 * nginx-rtmp and Node-Media-Server v4, each started fresh for every run,
 * loaded by rtmp-bench (one publisher of the 720p30 clip, N players), raw
 * JSON of every run kept, medians printed as Markdown. See README.md.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { runCaptured, sleep } from './children';
import { ensureClip } from './clip';
import { Options, parseOptions, USAGE } from './options';
import { BenchResult, renderMarkdown, RunRecord } from './report';
import { Paths, readTail, startServer, Variant } from './servers';

/** The repository root: the nearest ancestor holding bench/fanout/nms-server.js. */
function findRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'bench/fanout/nms-server.js'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'bench/fanout/nms-server.js'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error('cannot find the repository root (bench/fanout/nms-server.js)');
}

/**
 * An explicit path, else the env variable, else the most recently built
 * build<dir>/[<sub>/]bench/NAME that is not a sanitizer or fuzz build.
 */
function findBinary(root: string, name: string, explicit: string | null, envVar: string): string {
  const given = explicit ?? process.env[envVar] ?? null;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`${name}: ${given} does not exist`);
    return path.resolve(given);
  }
  const candidates: string[] = [];
  for (const top of fs.readdirSync(root)) {
    if (!top.startsWith('build')) continue;
    const topDir = path.join(root, top);
    candidates.push(path.join(topDir, 'bench', name));
    if (!fs.statSync(topDir).isDirectory()) continue;
    for (const sub of fs.readdirSync(topDir)) candidates.push(path.join(topDir, sub, 'bench', name));
  }
  const usable = candidates
    .filter((p) => !/asan|tsan|msan|ubsan|fuzz|sanit/i.test(path.relative(root, p)))
    .filter((p) => fs.existsSync(p))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (usable.length === 0) {
    throw new Error(
      `${name} not found: build it (cmake --build <dir> --target ${name}) or pass --${name === 'rtmp-bench' ? 'bench' : 'ideal'}-bin / ${envVar}`,
    );
  }
  return usable[0] as string;
}

interface Planned {
  variant: Variant;
  n: number;
  rep: number;
}

/** Repetitions outermost, so slow drift of the machine spreads over all servers. */
function plan(options: Options): Planned[] {
  const base: Variant[] = options.servers.map((s) => ({ name: s, server: s, args: [] }));
  const withExtra = (v: Variant): Variant => ({
    ...v,
    args: [...(v.server === 'engine' ? options.engineArgs : v.server === 'ideal' ? options.idealArgs : []), ...v.args],
  });
  const out: Planned[] = [];
  for (let rep = 1; rep <= options.reps; rep++) {
    for (const n of options.ns) {
      for (const v of base) out.push({ variant: withExtra(v), n, rep });
    }
    for (const v of options.variants) out.push({ variant: withExtra(v), n: options.mergeN, rep });
  }
  return out;
}

async function versionOf(command: string, args: string[]): Promise<string> {
  try {
    const r = await runCaptured(command, args, 5000);
    return (r.stdout + r.stderr).trim().split('\n')[0] ?? '';
  } catch {
    return '';
  }
}

async function meta(root: string, options: Options, clip: string, benchBin: string, idealBin: string | null) {
  const nmsPackage = path.join(root, 'bench/node_modules/node-media-server/package.json');
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    host: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? '', kernel: os.release(), memGiB: os.totalmem() / 2 ** 30 },
    node: process.version,
    engineCommit: await versionOf('git', ['-C', root, 'rev-parse', '--short', 'HEAD']),
    nginx: await versionOf('nginx', ['-v']),
    nms: fs.existsSync(nmsPackage) ? (JSON.parse(fs.readFileSync(nmsPackage, 'utf8')) as { version: string }).version : null,
    clip,
    benchBin,
    idealBin,
    options,
  };
}

function maxOpenFiles(): number {
  try {
    const m = fs.readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+(\d+)/);
    return m ? Number(m[1]) : Infinity;
  } catch {
    return Infinity;
  }
}

async function runOne(p: Planned, paths: Paths, options: Options, clip: string, benchBin: string, runDir: string): Promise<RunRecord> {
  const record: RunRecord = {
    variant: p.variant.name,
    server: p.variant.server,
    args: p.variant.args,
    n: p.n,
    rep: p.rep,
    startedAt: new Date().toISOString(),
    ok: false,
  };
  let server;
  try {
    server = await startServer(p.variant, paths, runDir);
  } catch (err) {
    record.error = String(err);
    return record;
  }
  try {
    const rampS = Math.ceil(p.n / options.ramp);
    const toolTimeoutS = rampS + options.warmupS + options.durationS + 30;
    const args = [
      '--url', `rtmp://127.0.0.1:${server.port}/live/bench`,
      '--players', String(p.n),
      '--ramp', String(options.ramp),
      '--publish', clip,
      '--warmup', String(options.warmupS),
      '--duration', String(options.durationS),
      '--late-joiners', String(options.lateJoiners),
      '--server-pid', String(server.pid),
      '--threads', String(options.threads),
      '--timeout', String(toolTimeoutS),
    ]; // prettier-ignore
    const r = await runCaptured(benchBin, args, (toolTimeoutS + 20) * 1000);
    fs.writeFileSync(path.join(server.dir, 'rtmp-bench.stderr.log'), r.stderr);
    record.exitCode = r.code;
    if (r.timedOut) {
      record.error = 'rtmp-bench did not finish in time (killed)';
    } else if (r.code !== 0) {
      record.error = `rtmp-bench exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
    } else {
      try {
        record.result = JSON.parse(r.stdout) as BenchResult;
        record.ok = !record.result.timedOut;
        if (record.result.timedOut) record.error = 'rtmp-bench reported timedOut';
      } catch (err) {
        record.error = `rtmp-bench printed no JSON: ${String(err)}: ${r.stdout.slice(0, 200)}`;
      }
    }
    if (!record.ok) record.error += `; server log ${server.logFile}: ${readTail(server.logFile, 300).trim()}`;
  } finally {
    await server.stop();
  }
  return record;
}

function summary(rec: RunRecord): string {
  if (!rec.ok || !rec.result) return `FAILED: ${rec.error ?? 'unknown'}`;
  const r = rec.result;
  const gbps = (r.delivered.aggregateMbps / 1000).toFixed(3);
  const cpu = r.server ? `${r.server.cpuPercent.toFixed(0)}% CPU` : 'no CPU';
  return `${gbps} Gbit/s, ${cpu}, behind ${r.delivered.behind}, errors ${r.sessions.errors}`;
}

async function main(): Promise<number> {
  let options: Options | null;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`fanout: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  const root = findRoot();
  const order = [...options.servers, ...options.variants.map((v) => v.name)];

  if (options.reportOnly) {
    const saved = JSON.parse(fs.readFileSync(options.reportOnly, 'utf8')) as { runs: RunRecord[] };
    process.stdout.write(renderMarkdown(saved.runs, order) + '\n');
    return 0;
  }

  const planned = plan(options);
  const needs = (kind: string) => planned.some((p) => p.variant.server === kind);
  if (options.dryRun) {
    for (const p of planned) process.stdout.write(`${p.variant.name} [${p.variant.args.join(' ')}] N=${p.n} rep ${p.rep}\n`);
    process.stdout.write(`${planned.length} runs\n`);
    return 0;
  }

  const benchBin = findBinary(root, 'rtmp-bench', options.benchBin, 'RTMP_BENCH_BIN');
  const idealBin = needs('ideal') ? findBinary(root, 'ideal-relay', options.idealBin, 'IDEAL_RELAY_BIN') : null;
  if (needs('engine') && !fs.existsSync(path.join(root, 'dist/lib/cli.js'))) {
    throw new Error('dist/lib/cli.js missing: run `npm run build` first');
  }
  if (needs('nms') && !fs.existsSync(path.join(root, 'bench/node_modules/node-media-server'))) {
    throw new Error('node-media-server missing: run `npm install --prefix bench` first');
  }
  const maxN = Math.max(...planned.map((p) => p.n));
  if (maxN + options.lateJoiners + 200 > maxOpenFiles()) {
    process.stderr.write(`fanout: warning: open-file limit ${maxOpenFiles()} is low for ${maxN} players (ulimit -n)\n`);
  }

  const clip = options.clip ?? (await ensureClip(path.join(root, 'build/bench')));
  const paths: Paths = { root, idealBin: idealBin ?? '', nginxModule: '/usr/lib/nginx/modules/ngx_rtmp_module.so' };
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-'));
  const out = path.resolve(root, options.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const saved = { tool: 'fanout', version: 1, meta: await meta(root, options, clip, benchBin, idealBin), runs: [] as RunRecord[] };
  process.stderr.write(`fanout: ${planned.length} runs; rtmp-bench ${benchBin}; logs in ${runDir}; results ${out}\n`);

  let failures = 0;
  for (const [i, p] of planned.entries()) {
    const label = `[${i + 1}/${planned.length}] ${p.variant.name} N=${p.n} rep ${p.rep}`;
    process.stderr.write(`${label} ...\n`);
    const rec = await runOne(p, paths, options, clip, benchBin, runDir);
    if (!rec.ok) failures++;
    saved.runs.push(rec);
    fs.writeFileSync(out, JSON.stringify(saved, null, 2) + '\n'); // after every run: partial results survive
    process.stderr.write(`${label}: ${summary(rec)}\n`);
    await sleep(500);
  }

  const markdown = renderMarkdown(saved.runs, order);
  if (options.md) fs.writeFileSync(path.resolve(root, options.md), markdown + '\n');
  process.stdout.write(markdown + '\n');
  process.stderr.write(`fanout: ${saved.runs.length} runs, ${failures} failed; raw results in ${out}\n`);
  if (failures === 0) fs.rmSync(runDir, { recursive: true, force: true });
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`fanout: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
