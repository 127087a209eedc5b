/**
 * Viewer capacity side by side (issue 11, "Viewer capacity"): for each origin, a fresh server,
 * one live ffmpeg publisher (bench/hls/publisher.ts), then bench/hls/viewers' steps of N classic
 * viewers (nginx and the engine) and N LL-HLS viewers (the engine). Writes every step's report
 * plus machine and options as JSON (--out) and prints a Markdown table on stdout.
 *
 *   node build/bench/js/bench/hls/capacity.js --servers nginx,engine --n 50,100,200,400,800 \
 *     --warmup 4 --duration 10 --out docs/perf/hls-capacity.json
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';

import { sleep, stopTracked } from '../fanout/children';
import { machine } from './proc';
import { startPublisher } from './publisher';
import { HlsOrigin, OriginKind, startOrigin } from './servers';
import { runViewerSteps, ViewerStepReport, waitForPlaylist } from './viewers';
import type { ViewerMode } from './viewer';

interface Cell {
  server: OriginKind;
  mode: ViewerMode;
  url: string;
  maxKeptUp: number;
  steps: ViewerStepReport[];
  error?: string;
}

const STREAM = 'live/bench';

async function withOrigin<T>(start: () => Promise<HlsOrigin>, runDir: string, body: (o: HlsOrigin) => Promise<T>): Promise<T> {
  const origin = await start();
  const pub = origin.needsPublisher
    ? startPublisher({ url: origin.rtmpUrl(STREAM), logFile: path.join(runDir, `${origin.kind}-publisher.log`) })
    : undefined;
  try {
    // Two whole segments listed: the window has begun to fill (nginx is 404 until the first).
    await waitForPlaylist(origin.mediaPlaylistUrl(STREAM), 2, 30_000);
    return await body(origin);
  } finally {
    if (pub) await stopTracked(pub, 2000);
    await origin.stop();
  }
}

function table(cells: Cell[]): string {
  const rows = [
    '| server | viewers | N | req/s | Gbit/s | server CPU % | req/s per CPU-s | Gbit/s per CPU-s ' +
      '| kept up | max lag (med/max) | playlist p99 ms | media p99 ms | tool CPU % |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of cells) {
    for (const s of c.steps) {
      rows.push(
        `| ${c.server} | ${c.mode} | ${s.n} | ${s.requestsPerSec} | ${s.gbitPerSec} | ${s.serverCpuPercent} | ` +
          `${s.requestsPerCpuSec} | ${s.gbitPerCpuSec} | ${s.viewersKeptUp}/${s.n} | ${s.maxLag.median}/${s.maxLag.max} | ` +
          `${s.playlistMs.p99} | ${s.mediaMs.p99} | ${s.loadToolCpuPercent} |`,
      );
    }
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      servers: { type: 'string', default: 'nginx,engine' },
      modes: { type: 'string', default: 'classic,ll' },
      n: { type: 'string', default: '50,100,200,400,800' },
      warmup: { type: 'string', default: '4' },
      duration: { type: 'string', default: '10' },
      ramp: { type: 'string', default: '2' },
      sockets: { type: 'string', default: '2' },
      root: { type: 'string', default: path.resolve(__dirname, '../../../../..') },
      hls: { type: 'string', default: '{}' },
      'keep-going': { type: 'boolean', default: false },
      out: { type: 'string' },
      timeout: { type: 'string', default: '1800' },
      'profile-dir': { type: 'string' },
    },
  });
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hls-capacity-'));
  const timer = setTimeout(() => {
    process.stderr.write(`hls-capacity: --timeout ${values.timeout} s reached\n`);
    process.exit(2);
  }, Number(values.timeout) * 1000);
  const cells: Cell[] = [];
  const save = () => {
    if (!values.out) return;
    const report = {
      tool: 'hls-capacity',
      date: new Date().toISOString(),
      machine: machine(),
      options: values,
      command: process.argv.slice(1).join(' '),
      cells,
    };
    fs.writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  };
  const modes = values.modes.split(',') as ViewerMode[];
  for (const server of values.servers.split(',') as OriginKind[]) {
    // nginx-rtmp has no LL-HLS (nor has node-bare, serving its files): classic viewers only.
    const classicOnly = server === 'nginx' || server === 'node-bare';
    for (const mode of classicOnly ? modes.filter((m) => m === 'classic') : modes) {
      const start = () =>
        startOrigin(server, {
          runDir,
          root: values.root,
          hls: JSON.parse(values.hls) as Record<string, unknown>,
          profileDir: values['profile-dir'],
        });
      const cell: Cell = { server, mode, url: '', maxKeptUp: 0, steps: [] };
      cells.push(cell);
      try {
        await withOrigin(start, runDir, async (origin) => {
          cell.url = origin.mediaPlaylistUrl(STREAM);
          const r = await runViewerSteps({
            url: cell.url,
            mode,
            pids: [origin.pid],
            steps: values.n.split(',').map(Number),
            rampMs: Number(values.ramp) * 1000,
            warmupS: Number(values.warmup),
            durationS: Number(values.duration),
            socketsPerTrack: Number(values.sockets),
            stopOnFail: !values['keep-going'],
            pauseMs: 1000,
            log: (line) => process.stderr.write(`${server}: ${line}\n`),
            onStep: (step) => {
              cell.steps.push(step);
              save();
            },
          });
          cell.maxKeptUp = r.maxKeptUp;
        });
      } catch (err) {
        cell.error = (err as Error).message;
        process.stderr.write(`hls-capacity: ${server}/${mode}: ${cell.error}\n`);
      }
      await sleep(1000);
    }
  }
  clearTimeout(timer);
  save();
  process.stdout.write(`${table(cells)}\n`);
  if (cells.every((c) => !c.error)) fs.rmSync(runDir, { recursive: true, force: true });
  else process.stderr.write(`hls-capacity: logs kept in ${runDir}\n`);
}

main().catch((err) => {
  process.stderr.write(`hls-capacity: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
