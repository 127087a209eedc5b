/**
 * What operating the server costs (issue 13, "Cost of metrics and stats"): the engine (this
 * checkout's dist/lib/cli.js) relays one 720p30 publish to N RTMP players (rtmp-bench, which
 * samples the server's CPU from /proc over its window), once with nobody watching the
 * operator side and once with what an open dashboard and a Prometheus server do: a live stats
 * WebSocket (/api/v1/ws), GET /api/v1/streams and /api/v1/server every 2 s, GET /metrics every
 * second. The runs alternate; the report gives the server's CPU (% of one core) for each and
 * the difference (goal: < 2 % of one core added).
 *
 *   npx tsc -p tsconfig.build.json && node -r ./test/helpers/register-ts.js bench/admin/overhead.ts \
 *     [--players 1000] [--duration 30] [--reps 2] [--bench-bin build-native/release/bench/rtmp-bench] [--out FILE] \
 *     [--before DIR] [--profile DIR]
 *
 * --before DIR adds a third variant, interleaved with the other two: the operator load
 * against another build of the SDK (DIR/dist/lib/cli.js, e.g. an older commit's lib/ compiled
 * with its node_modules and build/ linked from here), so a change is measured against what
 * it replaces under the same machine load.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { WebSocket } from 'ws';

import { makeClip } from '../frames/clip';
import { arg, machine, runBench, sleep } from '../frames/proc';
import { cpuSecondsByThread } from '../hls/proc';

const ROOT = path.resolve(__dirname, '..', '..');

interface Engine {
  pid: number;
  rtmp: number;
  http: number;
  stop(): Promise<void>;
}

async function startEngine(configFile: string, root = ROOT): Promise<Engine> {
  // --profile DIR: each engine writes a V8 CPU profile there when it exits (node --cpu-prof).
  const profile = arg('profile', '');
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profile)}`] : [];
  const child = spawn(process.execPath, [...flags, path.join(root, 'dist/lib/cli.js'), '--host', '127.0.0.1', '--port', '0', '--http-host', '127.0.0.1', '--http-port', '0', '--config', configFile, '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = await new Promise<{ rtmp: number; http: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the engine did not listen within 15 s')), 15_000);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const rec = JSON.parse(line) as { msg?: string; port?: number; httpPort?: number };
        if (rec.msg === 'listening' && rec.port && rec.httpPort) {
          clearTimeout(timer);
          resolve({ rtmp: rec.port, http: rec.httpPort });
        }
      } catch {
        /* not JSON */
      }
    });
    child.once('exit', (code) => reject(new Error(`the engine exited (${code}) before listening`)));
  });
  return {
    pid: child.pid as number,
    ...ports,
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), sleep(10_000)]);
      child.kill('SIGKILL');
    },
  };
}

/** The operator side of an open dashboard plus a Prometheus scrape; returns a stop function and counters. */
function operatorLoad(httpPort: number): { stop: () => void; counts: { messages: number; requests: number; failures: number } } {
  const counts = { messages: 0, requests: 0, failures: 0 };
  const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/api/v1/ws`);
  ws.on('message', () => counts.messages++);
  ws.on('error', () => counts.failures++);
  const get = (p: string) =>
    fetch(`http://127.0.0.1:${httpPort}${p}`)
      .then(async (r) => {
        await r.arrayBuffer();
        if (r.ok) counts.requests++;
        else counts.failures++;
      })
      .catch(() => counts.failures++);
  const everySecond = setInterval(() => void get('/metrics'), 1_000);
  const everyTwo = setInterval(() => {
    void get('/api/v1/streams');
    void get('/api/v1/server');
  }, 2_000);
  return {
    counts,
    stop: () => {
      clearInterval(everySecond);
      clearInterval(everyTwo);
      ws.terminate();
    },
  };
}

/**
 * CPU seconds (user + system) of the engine process's main thread, the one that runs
 * JavaScript: everything the operator side costs runs there (stats reads, JSON, the
 * WebSocket, /metrics), while the I/O threads' share moves with the machine's load.
 * NaN when it cannot be read (the process is gone).
 */
function jsThreadCpuSeconds(pid: number): number {
  return cpuSecondsByThread([pid]).main ?? NaN;
}

/** Runs rtmp-bench without blocking this process (the operator load runs meanwhile); its JSON report. */
function runRtmpBench(bin: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`rtmp-bench exited ${code}`));
    });
  });
}

async function main(): Promise<void> {
  const players = Number(arg('players', '1000'));
  const duration = Number(arg('duration', '30'));
  const reps = Number(arg('reps', '2'));
  const benchBin = path.resolve(arg('bench-bin', path.join(ROOT, 'build-native/release/bench/rtmp-bench')));
  const out = arg('out', '');
  const beforeRoot = arg('before', '');
  if (!fs.existsSync(path.join(ROOT, 'dist/lib/cli.js'))) throw new Error('dist/ missing: npx tsc -p tsconfig.build.json');
  const clip = makeClip('1280x720', '2500k');
  const configFile = path.join(os.tmpdir(), `admin-overhead-${process.pid}.json`);
  fs.writeFileSync(configFile, JSON.stringify({ limits: { maxConnections: 5000, maxPendingConnections: 5000, maxPendingPerIp: 5000 } }));
  const before = machine();
  const runs: Array<{ variant: string; cpuPercent: number | null; jsThreadPercent: number; playersOnTime: unknown; load1: number; load?: unknown }> = [];
  for (let rep = 0; rep < reps; rep++) {
    const order = beforeRoot ? [['off', 'on', 'before'], ['before', 'off', 'on'], ['on', 'before', 'off']][rep % 3]! : rep % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const variant of order) {
      // The machine may be shared: the 1-minute load average as each run starts goes in its record.
      const load1 = Math.round(os.loadavg()[0]! * 10) / 10;
      const engine = await startEngine(configFile, variant === 'before' ? path.resolve(beforeRoot) : ROOT);
      const load = variant === 'off' ? undefined : operatorLoad(engine.http);
      try {
        const cpu0 = jsThreadCpuSeconds(engine.pid);
        const t0 = Date.now();
        const text = await runRtmpBench(benchBin, [
          ...['--url', `rtmp://127.0.0.1:${engine.rtmp}/live/bench`, '--players', String(players), '--ramp', '500'],
          ...['--publish', clip, '--duration', String(duration), '--server-pid', String(engine.pid)],
        ], (duration + 120) * 1000);
        const report = JSON.parse(text) as { server?: { cpuPercent?: number }; players?: Record<string, unknown> };
        const jsThreadPercent = Math.round(((jsThreadCpuSeconds(engine.pid) - cpu0) / ((Date.now() - t0) / 1_000)) * 1_000) / 10;
        runs.push({ variant, cpuPercent: report.server?.cpuPercent ?? null, jsThreadPercent, playersOnTime: report.players, load1, ...(load ? { load: { ...load.counts } } : {}) });
        process.stderr.write(`admin-overhead: ${variant} ${report.server?.cpuPercent?.toFixed(1)}% CPU, JS thread ${jsThreadPercent}% (load ${load1})\n`);
      } finally {
        load?.stop();
        await engine.stop();
      }
    }
  }
  const meanOf = (v: string, pick: (r: (typeof runs)[number]) => number | null) => {
    const xs = runs.filter((r) => r.variant === v).map(pick).filter((x): x is number => x !== null && !Number.isNaN(x));
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  };
  const mean = (v: string) => meanOf(v, (r) => r.cpuPercent);
  const jsMean = (v: string) => meanOf(v, (r) => r.jsThreadPercent);
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const report = {
    bench: 'admin-overhead',
    date: new Date().toISOString(),
    machine: { ...before, loadavgAfter: machine().loadavg },
    config: { players, duration, reps, clip: '1280x720 30 fps 2.5 Mbit/s' },
    runs,
    meanCpuPercent: {
      off: r1(mean('off')),
      on: r1(mean('on')),
      ...(beforeRoot ? { before: r1(mean('before')) } : {}),
    },
    addedPercentOfOneCore: r1(mean('on') - mean('off')),
    meanJsThreadPercent: { off: r1(jsMean('off')), on: r1(jsMean('on')), ...(beforeRoot ? { before: r1(jsMean('before')) } : {}) },
    addedJsThreadPercent: { on: r1(jsMean('on') - jsMean('off')), ...(beforeRoot ? { before: r1(jsMean('before') - jsMean('off')) } : {}) },
    ...(beforeRoot ? { addedBeforePercentOfOneCore: r1(mean('before') - mean('off')) } : {}),
  };
  const text = JSON.stringify(report);
  if (out) fs.writeFileSync(out, `${text}\n`);
  process.stdout.write(`${text}\n`);
}

runBench('admin-overhead', main);
