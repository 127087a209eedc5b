/**
 * Smoke run of the HLS benchmark tools (bench/hls/): each CLI runs for a few seconds against
 * nginx-rtmp's HLS and rtmp-engine's (and the engine's HTTP side fed by a timer), and must print a well-formed report. It asserts no speed
 * or latency (figures live in docs/PERF.md): only that every tool measured something and said
 * so in the shape the docs read.
 *
 * Needs nginx + libnginx-mod-rtmp, ffmpeg, /usr/bin/chromium, and the bench dependencies
 * (`npm install --prefix bench`: playwright-core, hls.js). The tools are compiled with
 * bench/hls/tsconfig.json into build/bench/js first; the engine is this checkout's dist/
 * (built here when stale, see test/helpers/dist.ts).
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { ensureDist } from '../helpers/dist';
import { makeClip } from './helpers/media';

const root = path.join(__dirname, '../..');
/** The origins that serve real media. */
const SERVERS = ['nginx', 'engine'];
/** Plus the engine's TS HLS side fed by a timer (bench/hls/synthetic-origin.ts), for HTTP load. */
const HTTP_SERVERS = [...SERVERS, 'synthetic'];
/** Plus Node's bare http module serving nginx-rtmp's files (bench/hls/bare-origin.ts): the floor. */
const CAPACITY_SERVERS = [...HTTP_SERVERS, 'node-bare'];
const CLASSIC_ONLY = new Set(['nginx', 'node-bare']);
const outDir = path.join(root, 'build/bench/js/bench/hls');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled tool, killed after timeoutMs; the report is its stdout. */
function runTool(tool: string, args: string[], timeoutMs = 90_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(outDir, `${tool}.js`), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

function expectMachine(report: any): void {
  expect(report.machine.nproc).toBeGreaterThan(0);
  expect(typeof report.machine.cpuModel).toBe('string');
}

describe('bench smoke: HLS tools', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hls-smoke-'));
    ensureDist();
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'bench/hls/tsconfig.json')], {
      timeout: 120_000,
    });
    for (const dep of ['playwright-core', 'hls.js']) {
      expect(() => require.resolve(dep, { paths: [root, path.join(root, 'bench')] })).not.toThrow();
    }
  }, 150_000);

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.each(CAPACITY_SERVERS)('capacity: %s, classic and LL viewers, reports each step', async (server) => {
    const out = path.join(tmp, `capacity-${server}.json`);
    const run = await runTool('capacity', [
      '--servers', server, '--n', '3', '--ramp', '0.3', '--warmup', '1', '--duration', '2', '--out', out, '--timeout', '80',
    ]);
    expect(run.code).toBe(0);
    const report = readJson(out);
    expect(report.tool).toBe('hls-capacity');
    expectMachine(report);
    // nginx-rtmp has no LL-HLS (nor node-bare, serving its files): classic only; the engine: classic and LL.
    expect(report.cells.map((c: any) => c.mode)).toEqual(CLASSIC_ONLY.has(server) ? ['classic'] : ['classic', 'll']);
    for (const cell of report.cells) {
      expect(cell.error).toBeUndefined();
      const step = cell.steps[0];
      expect(step.n).toBe(3);
      expect(step.requests).toBeGreaterThan(0);
      expect(step.gbitPerSec).toBeGreaterThan(0);
      expect(finite(step.serverCpuSec)).toBe(true);
      // Per kind of thread: every origin has a main thread.
      expect(finite(step.serverCpuPercentByThread.main)).toBe(true);
      expect(step.serverRssKiB).toBeGreaterThan(0);
      expect(step.viewersKeptUp).toBeGreaterThanOrEqual(0);
      expect(step.viewersKeptUp).toBeLessThanOrEqual(3);
      expect(step.allKeptUp).toBe(step.viewersKeptUp === 3);
      expect(step.playlists.length).toBeGreaterThan(0);
    }
    expect(run.stdout).toContain('| server | viewers | N |');
  }, 100_000);

  it('flat-out: nginx and bare Node each report CPU per request', async () => {
    const out = path.join(tmp, 'flat-out.json');
    const run = await runTool('flat-out', ['--sizes', '2000', '--requests', '200', '--reps', '1', '--out', out]);
    expect(run.code).toBe(0);
    const report = readJson(out);
    expect(report.tool).toBe('hls-flat-out');
    expectMachine(report);
    expect(report.rows.map((r: any) => r.server)).toEqual(['nginx', 'node-bare']);
    for (const row of report.rows) {
      expect(row.requests).toBe(200);
      expect(finite(row.usPerRequest)).toBe(true);
    }
  }, 60_000);

  it('profile-summary: reads a --cpu-prof profile into busy time, functions and files', async () => {
    const dir = path.join(tmp, 'prof');
    execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '-e', 'let x = 0; for (let i = 0; i < 5e7; i++) x += i % 7;'], {
      timeout: 30_000,
    });
    const [file] = fs.readdirSync(dir);
    const run = await runTool('profile-summary', [path.join(dir, file as string), '--top', '5']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/s profiled, [0-9]+ ms busy/);
    expect(run.stdout).toContain('| function (self time) | ms | % of busy |');
    expect(run.stdout).toContain('| file (self time) | ms | % of busy |');
  }, 60_000);

  it('send-cost: write, writev and sendfile each send every body', () => {
    const bin = path.join(tmp, 'send-cost');
    execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', bin, path.join(root, 'bench/hls/send-cost.c')], { timeout: 60_000 });
    for (const mode of ['write', 'writev', 'sendfile']) {
      const line = execFileSync(bin, [mode, '100000', '20'], { timeout: 30_000 }).toString();
      expect(line).toMatch(new RegExp(`^${mode} 100000 B x 20: [0-9.]+ us of sender CPU per body`));
    }
  });

  it.each(SERVERS.map((s) => (s === 'nginx' ? 'nginx:classic' : `${s}:ll`)))('latency: %s reads the publish time back from presented frames', async (which) => {
    const out = path.join(tmp, 'latency.json');
    const run = await runTool('latency', ['--runs', which, '--duration', '6', '--settle', '0', '--out', out, '--timeout', '80']);
    expect(run.code).toBe(0);
    const report = readJson(out);
    expect(report.tool).toBe('hls-latency');
    expectMachine(report);
    const r = report.reports[0];
    expect(r.error).toBeUndefined();
    expect(r.frames).toBeGreaterThan(0); // frames presented whose stamp read back
    expect(finite(r.firstFrameMs)).toBe(true);
    expect(finite(r.latencyMs.median)).toBe(true);
    expect(r.latencyMs.p95).toBeGreaterThanOrEqual(r.latencyMs.median);
  }, 100_000);

  it.each(HTTP_SERVERS)('listing: %s says when segments (and parts) were listed', async (server) => {
    const out = path.join(tmp, `listing-${server}.json`);
    const run = await runTool('listing', ['--servers', server, '--duration', '5', '--out', out, '--timeout', '80']);
    expect(run.code).toBe(0);
    const r = readJson(out).reports[0];
    expect(r.error).toBeUndefined();
    expect(r.firstPlaylistMs).toBeGreaterThan(0);
    expect(r.segmentListedMs.count).toBeGreaterThan(0);
    if (server !== 'nginx') {
      expect(r.partListedMs.count).toBeGreaterThan(0);
      expect(r.partAnsweredAfterIngestMs.count).toBeGreaterThan(0);
    }
  }, 100_000);

  it('streams: memory and CPU per stream with HLS on and off', async () => {
    const clip = makeClip({ seconds: 6, gop: 30, size: '640x360', bitrate: '800k' });
    const out = path.join(tmp, 'streams.json');
    const run = await runTool('streams', [
      '--servers', SERVERS.join(','), '--n', '2', '--fill', '2', '--duration', '1', '--clip', clip.file, '--out', out, '--timeout', '80',
    ]);
    expect(run.code).toBe(0);
    const report = readJson(out);
    expect(report.errors).toEqual([]);
    expect(report.runs).toHaveLength(2 * SERVERS.length); // each server x {HLS on, off}
    for (const r of report.runs) {
      expect(r.rssKiB).toBeGreaterThan(0);
      expect(finite(r.cpuPercent)).toBe(true);
      expect(r.publishersAlive).toBe(2);
    }
    expect(report.perStream.map((p: any) => p.server)).toEqual(SERVERS);
  }, 100_000);
});
