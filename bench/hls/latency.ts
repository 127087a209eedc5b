/**
 * bench/hls/latency: publish → display latency in Debian Chromium with hls.js, on one clock.
 * The publisher (bench/hls/publisher.ts, stamp) burns into every frame the wall clock at which
 * ffmpeg filtered it, just before x264 (zerolatency) and the RTMP send; the page
 * (latency-page.html) reads it back from each presented frame (requestVideoFrameCallback's
 * expectedDisplayTime, on the same machine's clock). Reports, per origin and player mode: the
 * time from page load (navigation start) to the first frame, the time to convergence, and the
 * latency median/p95 over the run and once converged.
 *
 *   node build/bench/js/bench/hls/latency.js --runs nginx:classic,engine:ll,engine:classic \
 *     --duration 60 --out docs/perf/hls-latency.json
 *
 * Needs /usr/bin/chromium (apt-get install chromium) and playwright-core + hls.js from npm
 * (`npm install --prefix bench`); never downloads a browser.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';

import { sleep, stopTracked } from '../fanout/children';
import { machine, quantile, round } from './proc';
import { startPublisher } from './publisher';
import { HlsOrigin, startEngineHls, startNginxHls } from './servers';
import { waitForPlaylist } from './viewers';

export type PlayerMode = 'll' | 'll-hlsjs' | 'll-steady' | 'classic';

/** What the page collects (see latency-page.html). */
interface PageResult {
  mode: string;
  samples: Array<[number, number]>; // [page ms of presentation, latency ms]
  misreads: number;
  errors: string[];
  firstFrameMs: number | null;
  hlsVersion: string;
  stalls: number;
  firstMisread?: number[][]; // levels of the code boxes of one unreadable frame (diagnosis)
  player: Array<[number, number, number, number]>; // every 500 ms: hls.latency, hls.targetLatency, s ahead, rate
}

export interface LatencyReport {
  server: string;
  mode: PlayerMode;
  src: string;
  durationS: number;
  frames: number;
  misreads: number;
  stalls: number; // 'waiting' events after the first frame (rebuffers)
  firstMisread?: number[][];
  playerErrors: string[];
  hlsVersion: string;
  firstFrameMs: number | null; // page load → first frame presented
  convergedAtMs: number | null; // page load → latency settled (see converge())
  latencyMs: { median: number; p95: number; p99: number; min: number; max: number } | null;
  convergedLatencyMs: { median: number; p95: number } | null;
  /** What hls.js itself reported, medians over the second half of the run (seconds). */
  player: { latencyS: number; targetLatencyS: number; aheadS: number; rate: number } | null;
}

// Minimal shapes of playwright-core, loaded at run time (a bench dependency, not the root's).
interface PwPage {
  goto(url: string): Promise<unknown>;
  evaluate<T>(fn: string): Promise<T>;
}
interface PwBrowser {
  newPage(): Promise<PwPage>;
  close(): Promise<void>;
}
interface PwChromium {
  launch(o: Record<string, unknown>): Promise<PwBrowser>;
}

/** Resolves a bench dependency from the repository root or bench/ (npm install --prefix bench). */
export function resolveDependency(root: string, request: string): string {
  return require.resolve(request, { paths: [root, path.join(root, 'bench')] });
}

export async function launchChromium(root: string): Promise<PwBrowser> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { chromium } = require(resolveDependency(root, 'playwright-core')) as { chromium: PwChromium };
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--autoplay-policy=no-user-gesture-required', '--no-sandbox', '--mute-audio'],
  });
}

/** Serves the page and hls.js on a free loopback port. */
export async function startPageServer(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const page = fs.readFileSync(path.join(root, 'bench/hls/latency-page.html'));
  const hlsJs = fs.readFileSync(path.join(path.dirname(resolveDependency(root, 'hls.js')), 'hls.min.js'));
  // The watch page's own catch-up (mode ll), the file the server ships.
  const catchUp = fs.readFileSync(path.join(root, 'lib/http/page/public/live-catch-up.js'));
  const server = http.createServer((req, res) => {
    const file = req.url?.startsWith('/hls.min.js') ? hlsJs : req.url?.startsWith('/live-catch-up.js') ? catchUp : page;
    res.writeHead(200, {
      'content-type': file === page ? 'text/html' : 'text/javascript',
      'cache-control': 'no-store',
    });
    res.end(file);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * When the latency settled: the earliest moment after which the 1 s rolling median stays
 * within max(10 %, 100 ms) of the steady value (the median of the last half of the run).
 */
export function converge(samples: Array<[number, number]>): { at: number; steady: number } | null {
  if (samples.length < 60) return null;
  const steady = quantile(
    samples.slice(samples.length >> 1).map((s) => s[1]),
    0.5,
  );
  const tolerance = Math.max(0.1 * steady, 100);
  let at: number | null = null;
  for (let i = 0; i < samples.length; i++) {
    const t = (samples[i] as [number, number])[0];
    const window = samples.filter((s) => s[0] >= t - 1000 && s[0] <= t).map((s) => s[1]);
    const ok = Math.abs(quantile(window, 0.5) - steady) <= tolerance;
    if (!ok) at = null;
    else if (at === null) at = t;
  }
  return at === null ? null : { at, steady };
}

function playerMedians(rows: Array<[number, number, number, number]>): LatencyReport['player'] {
  const late = rows.slice(rows.length >> 1).filter((r) => r.every((v) => Number.isFinite(v)));
  if (late.length === 0) return null;
  const median = (i: number) => round(quantile(late.map((r) => r[i] as number), 0.5), 3);
  return { latencyS: median(0), targetLatencyS: median(1), aheadS: median(2), rate: median(3) };
}

export function summarize(server: string, mode: PlayerMode, src: string, durationS: number, r: PageResult): LatencyReport {
  const values = r.samples.map((s) => s[1]);
  const c = converge(r.samples);
  const after = c ? r.samples.filter((s) => s[0] >= c.at).map((s) => s[1]) : [];
  return {
    server,
    mode,
    src,
    durationS,
    frames: r.samples.length,
    misreads: r.misreads,
    stalls: r.stalls,
    ...(r.firstMisread ? { firstMisread: r.firstMisread } : {}),
    playerErrors: r.errors,
    hlsVersion: r.hlsVersion,
    firstFrameMs: r.firstFrameMs === null ? null : round(r.firstFrameMs, 0),
    convergedAtMs: c ? round(c.at, 0) : null,
    latencyMs:
      values.length === 0
        ? null
        : {
            median: round(quantile(values, 0.5), 0),
            p95: round(quantile(values, 0.95), 0),
            p99: round(quantile(values, 0.99), 0),
            min: round(Math.min(...values), 0),
            max: round(Math.max(...values), 0),
          },
    convergedLatencyMs: after.length === 0 ? null : { median: round(quantile(after, 0.5), 0), p95: round(quantile(after, 0.95), 0) },
    player: playerMedians(r.player ?? []),
  };
}

/** Opens the page on src for durationS and returns what it measured. */
export async function measure(
  browser: PwBrowser,
  pageUrl: string,
  server: string,
  mode: PlayerMode,
  src: string,
  durationS: number,
): Promise<LatencyReport> {
  const page = await browser.newPage();
  await page.goto(`${pageUrl}?mode=${mode}&src=${encodeURIComponent(src)}`);
  await sleep(durationS * 1000);
  const result = await page.evaluate<PageResult>('window.__bench');
  return summarize(server, mode, src, durationS, result);
}

const STREAM = 'live/latency';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: 'nginx:classic,engine:ll,engine:classic' },
      duration: { type: 'string', default: '60' },
      settle: { type: 'string', default: '4' },
      root: { type: 'string', default: path.resolve(__dirname, '../../../../..') },
      hls: { type: 'string', default: '{}' },
      out: { type: 'string' },
      timeout: { type: 'string', default: '900' },
    },
  });
  const timer = setTimeout(() => {
    process.stderr.write(`hls-latency: --timeout ${values.timeout} s reached\n`);
    process.exit(2);
  }, Number(values.timeout) * 1000);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hls-latency-'));
  const pages = await startPageServer(values.root);
  const browser = await launchChromium(values.root);
  const reports: Array<LatencyReport | { server: string; mode: string; error: string }> = [];
  try {
    for (const run of values.runs.split(',')) {
      const [server, mode] = run.split(':') as ['nginx' | 'engine', PlayerMode];
      let origin: HlsOrigin | undefined;
      try {
        origin =
          server === 'nginx'
            ? await startNginxHls({ runDir })
            : await startEngineHls({ runDir, root: values.root, hls: JSON.parse(values.hls) as Record<string, unknown> });
        const pub = startPublisher({ url: origin.rtmpUrl(STREAM), stamp: true, logFile: path.join(runDir, `${run}-pub.log`) });
        try {
          await waitForPlaylist(origin.mediaPlaylistUrl(STREAM), 2, 30_000);
          await sleep(Number(values.settle) * 1000); // a live stream that has been on for a while
          const report = await measure(browser, pages.url, server, mode, origin.playlistUrl(STREAM), Number(values.duration));
          reports.push(report);
          process.stderr.write(`hls-latency: ${run}: ${JSON.stringify(report)}\n`);
        } finally {
          await stopTracked(pub, 2000);
        }
      } catch (err) {
        reports.push({ server, mode, error: (err as Error).message });
        process.stderr.write(`hls-latency: ${run}: ${(err as Error).message}\n`);
      } finally {
        await origin?.stop();
      }
    }
  } finally {
    await browser.close();
    await pages.close();
  }
  clearTimeout(timer);
  const out = { tool: 'hls-latency', date: new Date().toISOString(), machine: machine(), options: values, reports };
  if (values.out) fs.writeFileSync(values.out, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`hls-latency: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
