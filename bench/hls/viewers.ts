/**
 * bench/hls/viewers: N simulated HLS viewers on loopback against a running server, stepped up
 * (e.g. 50, 100, 200, 400, 800) to find the largest N at which every viewer keeps up. For each
 * step: ramp the viewers in, warm up, then measure a window: requests/s, Gbit/s of bodies, the
 * server's CPU seconds (utime+stime of --pid and its descendants) and from those the per-core
 * efficiency, plus how many viewers kept up. Prints one JSON report on stdout.
 *
 *   node build/bench/js/bench/hls/viewers.js --url http://127.0.0.1:8000/live/a/video.m3u8 \
 *     --mode ll --pid 1234 --n 50,100,200 --warmup 4 --duration 10
 *
 * --url takes a media playlist, or a master playlist (then every media playlist it lists is
 * watched: the video variant and the audio rendition). Everything is time-boxed (--timeout).
 */
import * as http from 'http';
import * as os from 'os';

import { parseArgs } from 'util';

import { parseMasterPlaylist } from './playlist';
import { cpuSeconds, cpuSecondsByThread, machine, quantile, round, rssKiB } from './proc';
import { KEEP_UP_LAG, LoadStats, Viewer, ViewerMode } from './viewer';

export interface ViewerStepOptions {
  url: string;
  mode: ViewerMode;
  pids: number[]; // server processes (descendants included)
  n: number;
  rampMs: number;
  warmupS: number;
  durationS: number;
  socketsPerTrack: number;
}

export interface ViewerStepReport {
  n: number;
  mode: ViewerMode;
  playlists: string[];
  windowS: number;
  requests: number;
  requestsPerSec: number;
  gbitPerSec: number;
  serverCpuSec: number;
  serverCpuPercent: number;
  /** The same per kind of server thread ("main", "rtmp-io", "node" helpers…), % of a core. */
  serverCpuPercentByThread: Record<string, number>;
  requestsPerCpuSec: number;
  gbitPerCpuSec: number;
  serverRssKiB: number;
  viewersKeptUp: number;
  allKeptUp: boolean;
  keepUpLag: number;
  maxLag: { median: number; max: number };
  errors: number;
  errorSamples: string[];
  playlistMs: { p50: number; p99: number };
  mediaMs: { p50: number; p99: number };
  loadToolCpuPercent: number;
  /** The machine's 1-minute load average at the window's end (2 cores: above 2 is contention). */
  loadavg1: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function fetchText(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Media playlist URLs to watch: the URL itself, or what the master playlist lists. */
export async function resolvePlaylists(url: string): Promise<string[]> {
  const { status, text } = await fetchText(url);
  if (status !== 200) throw new Error(`${url}: HTTP ${status}`);
  if (!text.includes('#EXT-X-STREAM-INF')) return [url];
  const master = parseMasterPlaylist(text);
  return [...master.variants, ...master.renditions].map((u) => new URL(u, url).toString());
}

/** Waits (bounded) until the playlist answers 200 with at least `segments` segments. */
export async function waitForPlaylist(url: string, segments: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const { status, text } = await fetchText(url);
      last = `HTTP ${status}`;
      const count = text.split('\n').filter((l) => l.startsWith('#EXTINF')).length;
      if (status === 200 && (text.includes('#EXT-X-STREAM-INF') || count >= segments)) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms (last: ${last})`);
}

export async function runViewerStep(o: ViewerStepOptions): Promise<ViewerStepReport> {
  const playlists = await resolvePlaylists(o.url);
  const stats = new LoadStats();
  const viewers: Viewer[] = [];
  // Ramp on the wall clock (viewer i starts at rampMs × i / n), in batches every 10 ms: a
  // per-viewer sleep would stretch the ramp without bound once the loop is busy.
  const rampStart = performance.now();
  while (viewers.length < o.n) {
    const due = Math.min(o.n, Math.floor(((performance.now() - rampStart) / o.rampMs) * o.n) + 1);
    while (viewers.length < due) {
      const v = new Viewer(playlists, o.mode, stats, o.socketsPerTrack);
      viewers.push(v);
      v.start();
    }
    await sleep(10);
  }
  await sleep(o.warmupS * 1000);

  const cpu0 = cpuSeconds(o.pids);
  const threads0 = cpuSecondsByThread(o.pids);
  const tool0 = process.cpuUsage();
  const t0 = performance.now();
  const requests0 = stats.requests;
  const bytes0 = stats.bytes;
  const errors0 = stats.errors;
  stats.measuring = true;
  await sleep(o.durationS * 1000);
  stats.measuring = false;
  const windowS = (performance.now() - t0) / 1000;
  const cpuSec = cpuSeconds(o.pids) - cpu0;
  const threads1 = cpuSecondsByThread(o.pids);
  const byThread: Record<string, number> = {};
  for (const [name, sec] of Object.entries(threads1)) byThread[name] = round((100 * (sec - (threads0[name] ?? 0))) / windowS, 1);
  const tool = process.cpuUsage(tool0);
  const rss = rssKiB(o.pids);
  const requests = stats.requests - requests0;
  const bytes = stats.bytes - bytes0;

  const keptUp = viewers.filter((v) => v.keptUp()).length;
  const lags = viewers.map((v) => v.maxLag());
  await Promise.all(viewers.map((v) => v.stop()));

  const gbit = (bytes * 8) / 1e9;
  return {
    n: o.n,
    mode: o.mode,
    playlists,
    windowS: round(windowS),
    requests,
    requestsPerSec: round(requests / windowS, 1),
    gbitPerSec: round(gbit / windowS, 4),
    serverCpuSec: round(cpuSec, 2),
    serverCpuPercent: round((100 * cpuSec) / windowS, 1),
    serverCpuPercentByThread: byThread,
    requestsPerCpuSec: cpuSec > 0 ? round(requests / cpuSec, 1) : NaN,
    gbitPerCpuSec: cpuSec > 0 ? round(gbit / cpuSec, 4) : NaN,
    serverRssKiB: rss,
    viewersKeptUp: keptUp,
    allKeptUp: keptUp === o.n,
    keepUpLag: KEEP_UP_LAG[o.mode],
    maxLag: { median: quantile(lags, 0.5), max: Math.max(...lags) },
    errors: stats.errors - errors0,
    errorSamples: stats.errorSamples,
    playlistMs: { p50: round(quantile(stats.playlistMs, 0.5), 2), p99: round(quantile(stats.playlistMs, 0.99), 2) },
    mediaMs: { p50: round(quantile(stats.mediaMs, 0.5), 2), p99: round(quantile(stats.mediaMs, 0.99), 2) },
    loadToolCpuPercent: round((100 * (tool.user + tool.system)) / 1e6 / windowS, 1),
    loadavg1: round(os.loadavg()[0] ?? NaN, 2),
  };
}

export interface StepsOptions extends Omit<ViewerStepOptions, 'n'> {
  steps: number[];
  /** Stop stepping once a step has a viewer that did not keep up. */
  stopOnFail: boolean;
  pauseMs: number;
  log?: (line: string) => void;
  /** Called after each step (callers save partial results: a later step may hang the box). */
  onStep?: (report: ViewerStepReport) => void;
}

export async function runViewerSteps(o: StepsOptions): Promise<{ steps: ViewerStepReport[]; maxKeptUp: number }> {
  const steps: ViewerStepReport[] = [];
  let maxKeptUp = 0;
  for (const n of o.steps) {
    const report = await runViewerStep({ ...o, n });
    steps.push(report);
    o.onStep?.(report);
    o.log?.(
      `hls-viewers: ${o.mode} N=${n} ${report.requestsPerSec} req/s ${report.gbitPerSec} Gbit/s ` +
        `cpu ${report.serverCpuPercent}% (${Object.entries(report.serverCpuPercentByThread)
          .map(([name, pct]) => `${name} ${pct}`)
          .join(', ')}) kept up ${report.viewersKeptUp}/${n} (tool ${report.loadToolCpuPercent}%)`,
    );
    if (report.allKeptUp) maxKeptUp = Math.max(maxKeptUp, n);
    else if (o.stopOnFail) break;
    await sleep(o.pauseMs);
  }
  return { steps, maxKeptUp };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      mode: { type: 'string', default: 'classic' },
      pid: { type: 'string', default: '' },
      n: { type: 'string', default: '50,100,200,400,800' },
      ramp: { type: 'string', default: '2' },
      warmup: { type: 'string', default: '4' },
      duration: { type: 'string', default: '10' },
      sockets: { type: 'string', default: '2' },
      'keep-going': { type: 'boolean', default: false },
      timeout: { type: 'string', default: '900' },
    },
  });
  if (!values.url) throw new Error('--url is required');
  if (values.mode !== 'classic' && values.mode !== 'll') throw new Error('--mode is classic or ll');
  const timer = setTimeout(() => {
    process.stderr.write(`hls-viewers: --timeout ${values.timeout} s reached\n`);
    process.exit(2);
  }, Number(values.timeout) * 1000);
  const result = await runViewerSteps({
    url: values.url,
    mode: values.mode,
    pids: values.pid ? values.pid.split(',').map(Number) : [],
    steps: values.n.split(',').map(Number),
    rampMs: Number(values.ramp) * 1000,
    warmupS: Number(values.warmup),
    durationS: Number(values.duration),
    socketsPerTrack: Number(values.sockets),
    stopOnFail: !values['keep-going'],
    pauseMs: 1000,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  clearTimeout(timer);
  process.stdout.write(`${JSON.stringify({ tool: 'hls-viewers', machine: machine(), ...result }, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`hls-viewers: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
