/**
 * What decoded frames in JS cost (issue 12, "Throughput"): K live H.264 streams published in
 * real time, each decoded into a consumer that touches every cache line of every frame, three
 * ways side by side in one run:
 *  - engine:      server.frames() in this process (decoder pool + frames into JS buffers);
 *                 engine-notouch: the same with a consumer that does not read the pixels;
 *                 CPU = this process's CPU minus a baseline window with the same publishers
 *                 and no subscriber (so RTMP ingest is not counted);
 *  - ffmpeg-null: `ffmpeg -threads 1 -i rtmp://… -f null -` per stream (decode only, frames go
 *                 nowhere; with -vf format=rgba for rgba): the floor with the same libavcodec;
 *  - ffmpeg-pipe: a Node process per stream reading `ffmpeg -f rawvideo pipe:1` (what apps do
 *                 today); CPU = ffmpeg + the Node reader.
 * The engine's RTMP egress to the ffmpeg players is not charged to them (a small bias in their
 * favour). Reports frames, frames per CPU-second, CPU ms per frame and drops as one JSON.
 *
 *   node -r ./test/helpers/register-ts.js bench/frames/cost.ts --size 1280x720 --bitrate 2500k \
 *     --streams 2 --format rgba --seconds 15 [--out FILE]
 */
import * as fs from 'fs';
import * as path from 'path';

import { createServer, type RtmpServer } from '../../lib';
import { spawnTracked, type Tracked } from '../fanout/children';
import { makeClip, publishLoop } from './clip';
import { arg, machine, processCpuSeconds, runBench, selfCpuSeconds, sleep, touchPlane } from './proc';

interface Result {
  approach: string;
  frames: number;
  seconds: number;
  fpsPerStream: number;
  cpuSeconds: number;
  cpuMsPerFrame: number;
  framesPerCpuSecond: number;
  dropped: number;
  /** Frames the publishers sent per stream per second in the same window (ingest). */
  ingestFpsPerStream: number;
}

let ingestFrames: () => number = () => 0;

function result(approach: string, frames: number, seconds: number, cpu: number, streams: number, dropped: number, ingest: number): Result {
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return {
    approach,
    frames,
    seconds: r3(seconds),
    fpsPerStream: r3(frames / seconds / streams),
    cpuSeconds: r3(cpu),
    cpuMsPerFrame: r3((cpu * 1000) / Math.max(1, frames)),
    framesPerCpuSecond: r3(frames / Math.max(1e-9, cpu)),
    dropped,
    ingestFpsPerStream: r3(ingest / seconds / streams),
  };
}

async function measureEngine(server: RtmpServer, paths: string[], format: 'yuv420p' | 'rgba', warmupS: number, seconds: number, baselineCpuPerS: number, touch: boolean): Promise<Result> {
  let frames = 0;
  let dropped = 0;
  let touched = 0;
  const stops = paths.map((p) =>
    server.onFrames(p, { audio: false, video: { format } }, (f) => {
      if (f.kind !== 'video') return;
      if (touch) touched = (touched + touchPlane(f.planes[0]!.data)) & 0xffff;
      frames++;
      dropped += f.droppedBefore;
      f.release();
    }),
  );
  await sleep(warmupS * 1000);
  const [f0, d0, c0, t0, i0] = [frames, dropped, selfCpuSeconds(), performance.now(), ingestFrames()];
  await sleep(seconds * 1000);
  const [f1, d1, c1, t1, i1] = [frames, dropped, selfCpuSeconds(), performance.now(), ingestFrames()];
  for (const stop of stops) stop();
  const elapsed = (t1 - t0) / 1000;
  if (touched < 0) console.log(touched); // keeps the reads
  return result(touch ? 'engine' : 'engine-notouch', f1 - f0, elapsed, c1 - c0 - baselineCpuPerS * elapsed, paths.length, d1 - d0, i1 - i0);
}

/** Children whose stdout reports progress; `frames()` reads the latest count. */
interface Player {
  pids: () => number[];
  frames: () => number;
  proc: Tracked;
}

function ffmpegNull(url: string, format: string): Player {
  // passthrough: one output frame per decoded frame (no CFR duplicates in the count).
  const args = ['-v', 'error', '-threads', '1', '-i', url, '-an', '-fps_mode', 'passthrough'];
  if (format !== 'yuv420p') args.push('-vf', `format=${format}`);
  args.push('-progress', 'pipe:1', '-stats_period', '0.5', '-f', 'null', '-');
  const proc = spawnTracked('ffmpeg', args, null);
  let frames = 0;
  proc.child.stdout!.on('data', (d: Buffer) => {
    for (const m of d.toString().matchAll(/frame=(\d+)/g)) frames = Number(m[1]);
  });
  return { proc, pids: () => [proc.pid], frames: () => frames };
}

function pipeReader(url: string, width: number, height: number, format: string): Player {
  const proc = spawnTracked(process.execPath, [path.join(__dirname, 'pipe-reader.js'), url, String(width), String(height), format], null);
  let frames = 0;
  let ffmpegPid = -1;
  proc.child.stdout!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) {
      if (!line.trim()) continue;
      const rec = JSON.parse(line) as { frames?: number; ffmpegPid?: number };
      if (rec.ffmpegPid) ffmpegPid = rec.ffmpegPid;
      if (rec.frames !== undefined) frames = rec.frames;
    }
  });
  return { proc, pids: () => [proc.pid, ffmpegPid], frames: () => frames };
}

async function measurePlayers(approach: string, players: Player[], warmupS: number, seconds: number): Promise<Result> {
  // ffmpeg probes about 5 s of the stream before it decodes (analyzeduration), then catches up
  // faster than real time: measure once it decodes at the stream's pace.
  warmupS = Math.max(warmupS, 12);
  const cpu = () => players.flatMap((p) => p.pids()).reduce((s, pid) => s + processCpuSeconds(pid), 0);
  const count = () => players.reduce((s, p) => s + p.frames(), 0);
  await sleep(warmupS * 1000);
  const [f0, c0, t0, i0] = [count(), cpu(), performance.now(), ingestFrames()];
  await sleep(seconds * 1000);
  const [f1, c1, t1, i1] = [count(), cpu(), performance.now(), ingestFrames()];
  for (const p of players) p.proc.child.kill('SIGTERM');
  await Promise.all(players.map((p) => Promise.race([p.proc.exited, sleep(5000)])));
  return result(approach, f1 - f0, (t1 - t0) / 1000, c1 - c0, players.length, 0, i1 - i0);
}

async function main(): Promise<void> {
  const size = arg('size', '1280x720');
  const [width, height] = size.split('x').map(Number) as [number, number];
  const bitrate = arg('bitrate', width >= 1920 ? '6M' : '2500k');
  const streams = Number(arg('streams', '2'));
  const format = arg('format', 'rgba') as 'yuv420p' | 'rgba';
  const seconds = Number(arg('seconds', '15'));
  const warmupS = Number(arg('warmup', '4'));
  const approaches = arg('approaches', 'engine,engine-notouch,ffmpeg-null,ffmpeg-pipe').split(',');
  const out = arg('out', '');
  const before = machine();
  const clip = makeClip(size, bitrate);

  const server = createServer({ rtmp: { host: '127.0.0.1', port: 0 }, http: false, logLevel: 'silent' });
  const { port } = await server.listen();
  const paths = Array.from({ length: streams }, (_, i) => `live/s${i}`);
  const url = (p: string) => `rtmp://127.0.0.1:${port}/${p}`;
  const publishers = paths.map((p) => publishLoop(clip, url(p)));
  ingestFrames = () => server.streams().reduce((n, s) => n + s.videoFrames, 0);
  const deadline = Date.now() + 20_000;
  while (server.streams().filter((s) => s.videoFrames > 0).length < streams) {
    if (Date.now() > deadline) throw new Error('the publishers did not start within 20 s');
    await sleep(200);
  }
  await sleep(warmupS * 1000);
  const b0 = selfCpuSeconds();
  const bt0 = performance.now();
  await sleep(seconds * 1000);
  const baselineCpuPerS = (selfCpuSeconds() - b0) / ((performance.now() - bt0) / 1000);

  const results: Result[] = [];
  for (const approach of approaches) {
    if (approach === 'engine' || approach === 'engine-notouch') {
      results.push(await measureEngine(server, paths, format, warmupS, seconds, baselineCpuPerS, approach === 'engine'));
    }
    else if (approach === 'ffmpeg-null') results.push(await measurePlayers(approach, paths.map((p) => ffmpegNull(url(p), format)), warmupS, seconds));
    else if (approach === 'ffmpeg-pipe') results.push(await measurePlayers(approach, paths.map((p) => pipeReader(url(p), width, height, format)), warmupS, seconds));
    else throw new Error(`unknown approach ${approach}`);
  }
  for (const p of publishers) p.child.kill('SIGKILL');
  await server.close({ graceMs: 1000 });

  const of = (a: string) => results.find((r) => r.approach === a);
  const ratio = (a?: Result, b?: Result) => (a && b ? Math.round((a.framesPerCpuSecond / b.framesPerCpuSecond) * 100) / 100 : null);
  const report = {
    bench: 'frames-cost',
    date: new Date().toISOString(),
    machine: { ...before, loadavgAfter: machine().loadavg },
    config: { size, bitrate, streams, format, seconds, warmupS, baselineCpuPerS: Math.round(baselineCpuPerS * 1000) / 1000 },
    results,
    engineVsFfmpegNull: ratio(of('engine'), of('ffmpeg-null')),
    /** Decode and delivery only: the consumer does not read the frames, like ffmpeg -f null. */
    engineNoTouchVsFfmpegNull: ratio(of('engine-notouch'), of('ffmpeg-null')),
    engineVsFfmpegPipe: ratio(of('engine'), of('ffmpeg-pipe')),
  };
  const text = JSON.stringify(report);
  if (out) fs.writeFileSync(out, `${text}\n`);
  process.stdout.write(`${text}\n`);
}

runBench('frames-cost', main);
