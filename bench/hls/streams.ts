/**
 * bench/hls/streams: memory per live HLS stream and CPU per stream for segmenting. For each
 * origin, with HLS on and with HLS off (the same server relaying only), and N = 1, 10, 20
 * publishers: a fresh server, its RSS before any publisher, then N ffmpeg publishers looping
 * the fan-out bench's 720p30 2.5 Mbit/s clip with -c copy (cheap: 20 live encoders would not
 * fit on the machine), a wait until the HLS window is full, then server CPU over a window and
 * RSS at its end (nginx: plus the bytes its HLS folder holds on disk).
 * Per stream: RSS (N streams) − RSS (no stream), ÷ N; segmenting CPU = CPU (HLS on) − CPU
 * (HLS off), ÷ N.
 *
 *   node build/bench/js/bench/hls/streams.js --servers nginx,engine --n 1,10,20 \
 *     --fill 16 --duration 10 --out docs/perf/hls-streams.json
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';

import { sleep, stopTracked, Tracked } from '../fanout/children';
import { ensureClip } from '../fanout/clip';
import { cpuSeconds, machine, round, rssKiB } from './proc';
import { startPublisher } from './publisher';
import { HlsOrigin, startEngineHls, startNginxHls } from './servers';

export interface StreamsRun {
  server: 'nginx' | 'engine';
  hls: boolean;
  n: number;
  rssIdleKiB: number;
  rssKiB: number;
  rssPerStreamKiB: number;
  cpuPercent: number; // of one core, over the window
  windowS: number;
  diskKiB?: number; // nginx: the HLS folder
  publishersAlive: number;
}

function duKiB(dir: string): number {
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else bytes += fs.statSync(p).size;
    }
  };
  walk(dir);
  return Math.round(bytes / 1024);
}

async function runOne(
  server: 'nginx' | 'engine',
  hls: boolean,
  n: number,
  o: { runDir: string; root: string; clip: string; fillS: number; durationS: number },
): Promise<StreamsRun> {
  const origin: HlsOrigin =
    server === 'nginx'
      ? await startNginxHls({ runDir: o.runDir, hls })
      : await startEngineHls({
          runDir: o.runDir,
          root: o.root,
          hls: hls ? {} : false,
          options: { limits: { maxPublishers: 1000 } }, // the default 10 would refuse N = 20
        });
  const pubs: Tracked[] = [];
  try {
    await sleep(1000);
    const rssIdleKiB = rssKiB([origin.pid]);
    for (let i = 0; i < n; i++) {
      pubs.push(startPublisher({ url: origin.rtmpUrl(`live/s${i}`), clip: o.clip, logFile: path.join(o.runDir, `pub-${i}.log`) }));
      await sleep(100);
    }
    await sleep(o.fillS * 1000);
    const cpu0 = cpuSeconds([origin.pid]);
    const t0 = performance.now();
    await sleep(o.durationS * 1000);
    const windowS = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds([origin.pid]) - cpu0;
    const rss = rssKiB([origin.pid]);
    const alive = pubs.filter((p) => !p.hasExited()).length; // a server may refuse some
    const run: StreamsRun = {
      server,
      hls,
      n,
      rssIdleKiB,
      rssKiB: rss,
      rssPerStreamKiB: round((rss - rssIdleKiB) / Math.max(1, alive), 0),
      cpuPercent: round((100 * cpu) / windowS, 1),
      windowS: round(windowS, 2),
      publishersAlive: alive,
    };
    if (server === 'nginx' && hls && origin.hlsDir) run.diskKiB = duKiB(origin.hlsDir);
    return run;
  } finally {
    await Promise.all(pubs.map((p) => stopTracked(p, 2000)));
    await origin.stop();
  }
}

/** Per stream: segmenting CPU (HLS on − off) and memory, from the runs of one server. */
export function perStream(runs: StreamsRun[]): Array<Record<string, number | string>> {
  const out: Array<Record<string, number | string>> = [];
  for (const on of runs.filter((r) => r.hls)) {
    const off = runs.find((r) => !r.hls && r.server === on.server && r.n === on.n);
    const n = Math.max(1, on.publishersAlive); // streams actually live
    out.push({
      server: on.server,
      n: on.n,
      rssPerStreamKiB: on.rssPerStreamKiB,
      streams: n,
      rssPerStreamMinusRelayKiB: off ? round((on.rssKiB - on.rssIdleKiB - (off.rssKiB - off.rssIdleKiB)) / n, 0) : NaN,
      segmentingCpuPercentPerStream: off ? round((on.cpuPercent - off.cpuPercent) / n, 2) : NaN,
      cpuPercentPerStreamHlsOn: round(on.cpuPercent / n, 2),
      ...(on.diskKiB !== undefined ? { diskPerStreamKiB: round(on.diskKiB / n, 0) } : {}),
    });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      servers: { type: 'string', default: 'nginx,engine' },
      n: { type: 'string', default: '1,10,20' },
      fill: { type: 'string', default: '16' },
      duration: { type: 'string', default: '10' },
      root: { type: 'string', default: path.resolve(__dirname, '../../../../..') },
      clip: { type: 'string' },
      out: { type: 'string' },
      timeout: { type: 'string', default: '1200' },
    },
  });
  const timer = setTimeout(() => {
    process.stderr.write(`hls-streams: --timeout ${values.timeout} s reached\n`);
    process.exit(2);
  }, Number(values.timeout) * 1000);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hls-streams-'));
  const clip = values.clip ?? (await ensureClip(path.join(values.root, 'build/bench')));
  const runs: StreamsRun[] = [];
  const errors: string[] = [];
  for (const server of values.servers.split(',') as Array<'nginx' | 'engine'>) {
    for (const n of values.n.split(',').map(Number)) {
      for (const hls of [true, false]) {
        try {
          const run = await runOne(server, hls, n, {
            runDir,
            root: values.root,
            clip,
            fillS: Number(values.fill),
            durationS: Number(values.duration),
          });
          runs.push(run);
          process.stderr.write(`hls-streams: ${JSON.stringify(run)}\n`);
        } catch (err) {
          errors.push(`${server} hls=${hls} n=${n}: ${(err as Error).message}`);
          process.stderr.write(`hls-streams: ${errors[errors.length - 1]}\n`);
        }
      }
    }
  }
  clearTimeout(timer);
  const out = {
    tool: 'hls-streams',
    date: new Date().toISOString(),
    machine: machine(),
    options: values,
    runs,
    perStream: perStream(runs),
    errors,
  };
  if (values.out) fs.writeFileSync(values.out, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`hls-streams: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
