/**
 * Smoke run of the benchmark kit (bench/): the native load tool rtmp-bench
 * against rtmp-engine and against the ideal relay, N = 5 players for a few
 * seconds. Checks the tool's JSON report is complete and consistent; it
 * asserts no speed (figures live in docs/PERF.md, measured on a quiet machine).
 *
 * The binaries come from the native release build (scripts/test-native.sh
 * builds them before Jest runs); RTMP_BENCH_DIR points elsewhere.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { makeClip } from './helpers/media';
import { startServer } from './helpers/server';
import type { RtmpServer } from '../../lib';

const benchDir = process.env.RTMP_BENCH_DIR ?? path.join(__dirname, '../../build-native/release/bench');
const rtmpBench = path.join(benchDir, 'rtmp-bench');
const idealRelay = path.join(benchDir, 'ideal-relay');

interface BenchReport {
  tool: string;
  players: number;
  timedOut: boolean;
  sessions: { opened: number; playStart: number; keyframe: number; errors: number };
  errorSamples: string[];
  publish: { mbps: number; messages: number } | null;
  delivered: { aggregateMbps: number; perPlayerMbps: { min: number; median: number; max: number }; behind: number };
  lateJoin: { count: number; connectToPlayStartMs: { median: number }; playToKeyframeMs: { median: number } };
  latencyMs: { samples: number; median: number; p99: number } | null;
  server: { pid: number; cpuPercent: number; rssKiB: number } | null;
}

function runBench(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(rtmpBench, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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

function expectCompleteReport(report: BenchReport, players: number): void {
  expect(report.tool).toBe('rtmp-bench');
  expect(report.timedOut).toBe(false);
  expect(report.errorSamples).toEqual([]);
  expect(report.sessions.errors).toBe(0);
  expect(report.sessions.opened).toBeGreaterThanOrEqual(players);
  expect(report.sessions.playStart).toBeGreaterThanOrEqual(players);
  expect(report.sessions.keyframe).toBeGreaterThanOrEqual(players);
  expect(report.publish?.messages).toBeGreaterThan(0);
  expect(report.delivered.aggregateMbps).toBeGreaterThan(0);
  expect(report.delivered.perPlayerMbps.min).toBeGreaterThan(0);
  expect(report.lateJoin.count).toBeGreaterThan(0);
  expect(report.latencyMs?.samples).toBeGreaterThan(0);
  expect(report.server?.cpuPercent).toBeGreaterThanOrEqual(0);
  expect(report.server?.rssKiB).toBeGreaterThan(0);
}

describe('bench smoke: rtmp-bench N=5', () => {
  const children: ChildProcess[] = [];
  let server: RtmpServer | undefined;

  beforeAll(() => {
    for (const bin of [rtmpBench, idealRelay]) {
      if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: build it with bash scripts/test-native.sh`);
    }
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await server?.close({ graceMs: 500 });
  });

  const common = (url: string, file: string, pid: number): string[] => [
    '--url', url, '--players', '5', '--ramp', '50', '--publish', file,
    '--warmup', '1', '--duration', '3', '--late-joiners', '3', '--server-pid', String(pid), '--timeout', '40',
  ];

  it('reports a complete run against rtmp-engine', async () => {
    const clip = makeClip({ seconds: 6, gop: 30, size: '640x360', bitrate: '1000k' });
    const started = await startServer();
    server = started.server;
    const result = await runBench(common(started.url('live/smoke'), clip.file, process.pid));
    expect(result.code).toBe(0);
    expectCompleteReport(JSON.parse(result.stdout) as BenchReport, 5);
  });

  it('reports a complete run against the ideal relay', async () => {
    const clip = makeClip({ seconds: 6, gop: 30, size: '640x360', bitrate: '1000k' });
    const relay = spawn(idealRelay, ['--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(relay);
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ideal-relay did not start within 10 s')), 10_000);
      let out = '';
      relay.stdout!.on('data', (d) => {
        out += d;
        const m = /listening (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    const result = await runBench(common(`rtmp://127.0.0.1:${port}/live/smoke`, clip.file, relay.pid!));
    expect(result.code).toBe(0);
    expectCompleteReport(JSON.parse(result.stdout) as BenchReport, 5);
  });
});
