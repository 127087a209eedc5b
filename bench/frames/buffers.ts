/**
 * External ArrayBuffers vs the recycled pool of JS buffers (issue 12, frames.buffers): one
 * 1080p30 H.264 stream decoded on one decode thread to rgba into a `for await` consumer that
 * reads every cache line of every frame and releases it. Each run is a fresh child process
 * (its own server, its own RSS and CPU), variants interleaved: pool, external, pool, ...
 *
 *  - realtime: the clip published at its own pace (`ffmpeg -re`) for --seconds: frames/s (30
 *    when the path keeps up), CPU ms per frame (the child's user+sys over the window, ingest
 *    included, the same for both variants), drops, RSS every second (first, max, last);
 *  - fast: the clip published at 3x its pace (`-readrate 3`, 90 frames/s offered, under one
 *    decode thread's 1080p rate on a quiet machine): the frames/s the path delivers when the
 *    stream asks more than real time, and the CPU per frame then. (Unpaced, ffmpeg sends
 *    faster than any decoder and the decode tap drops whole GOPs: a measure of the tap.)
 *
 *   node -r ./test/helpers/register-ts.js bench/frames/buffers.ts --runs 3 --seconds 60 \
 *     [--modes realtime,fast] [--fast-seconds 20] [--out FILE]
 */
import { spawn } from 'child_process';
import * as fs from 'fs';

import { createServer } from '../../lib';
import { spawnTracked } from '../fanout/children';
import { makeClip } from './clip';
import { arg, machine, rssBytes, runBench, selfCpuSeconds, sleep, touchPlane } from './proc';

type Variant = 'pool' | 'external';
type Mode = 'realtime' | 'fast';

interface RunResult {
  variant: Variant;
  mode: Mode;
  buffers: string;
  seconds: number;
  frames: number;
  fps: number;
  cpuSeconds: number;
  cpuMsPerFrame: number;
  dropped: number;
  rssFirstMB: number;
  rssMaxMB: number;
  rssLastMB: number;
  loadavg: number[];
}

const r2 = (v: number) => Math.round(v * 100) / 100;
const mb = (v: number) => r2(v / (1 << 20));

/** One measured run in this process (the child side). */
async function child(variant: Variant, mode: Mode, seconds: number, warmupS: number): Promise<RunResult> {
  const clip = makeClip('1920x1080', '6M');
  const server = createServer({
    rtmp: { host: '127.0.0.1', port: 0 },
    http: false,
    logLevel: 'silent',
    frames: { decoderThreads: 1, buffers: variant },
  });
  const { port } = await server.listen();
  const url = `rtmp://127.0.0.1:${port}/live/b`;
  const pace = mode === 'realtime' ? ['-re'] : ['-readrate', '3'];
  const publisher = spawnTracked('ffmpeg', ['-v', 'error', ...pace, '-stream_loop', '-1', '-i', clip, '-c', 'copy', '-f', 'flv', url], null);
  const deadline = Date.now() + 20_000;
  while (!server.streams().some((s) => s.videoFrames > 0)) {
    if (Date.now() > deadline) throw new Error('the publisher did not start within 20 s');
    await sleep(100);
  }
  let frames = 0;
  let dropped = 0;
  let touched = 0;
  const iterator = server.frames('live/b', { audio: false, video: { format: 'rgba' } });
  const consumer = (async () => {
    for await (const f of iterator) {
      touched = (touched + touchPlane(f.planes[0]!.data)) & 0xffff;
      frames++;
      dropped += f.droppedBefore;
      f.release();
    }
  })();
  await sleep(warmupS * 1000);
  const buffers = server.frameSubscriptions()[0]?.buffers ?? 'none';
  const rss: number[] = [];
  const [f0, d0, c0, t0] = [frames, dropped, selfCpuSeconds(), performance.now()];
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    rss.push(rssBytes());
  }
  const [f1, d1, c1, t1] = [frames, dropped, selfCpuSeconds(), performance.now()];
  await iterator.return?.();
  await consumer;
  publisher.child.kill('SIGKILL');
  await server.close({ graceMs: 1000 });
  if (touched < 0) console.error(touched); // keeps the reads
  const elapsed = (t1 - t0) / 1000;
  const n = f1 - f0;
  return {
    variant,
    mode,
    buffers,
    seconds: r2(elapsed),
    frames: n,
    fps: r2(n / elapsed),
    cpuSeconds: r2(c1 - c0),
    cpuMsPerFrame: r2(((c1 - c0) * 1000) / Math.max(1, n)),
    dropped: d1 - d0,
    rssFirstMB: mb(rss[0] ?? 0),
    rssMaxMB: mb(Math.max(...rss)),
    rssLastMB: mb(rss[rss.length - 1] ?? 0),
    loadavg: machine().loadavg,
  };
}

function runChild(variant: Variant, mode: Mode, seconds: number, warmupS: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const args = ['-r', './test/helpers/register-ts.js', __filename, '--child', variant, '--mode', mode, '--seconds', String(seconds), '--warmup', String(warmupS)];
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${variant}/${mode} child exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as RunResult);
    });
  });
}

function summary(results: RunResult[], mode: Mode, variant: Variant) {
  const rs = results.filter((r) => r.mode === mode && r.variant === variant);
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] ?? 0;
  };
  return {
    mode,
    variant,
    runs: rs.length,
    fps: rs.map((r) => r.fps),
    cpuMsPerFrame: rs.map((r) => r.cpuMsPerFrame),
    medianFps: median(rs.map((r) => r.fps)),
    medianCpuMsPerFrame: median(rs.map((r) => r.cpuMsPerFrame)),
    dropped: rs.map((r) => r.dropped),
    rssFirstMB: rs.map((r) => r.rssFirstMB),
    rssMaxMB: rs.map((r) => r.rssMaxMB),
    rssLastMB: rs.map((r) => r.rssLastMB),
  };
}

async function main(): Promise<void> {
  const childVariant = arg('child', '');
  if (childVariant) {
    const result = await child(childVariant as Variant, arg('mode', 'realtime') as Mode, Number(arg('seconds', '60')), Number(arg('warmup', '5')));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const runs = Number(arg('runs', '3'));
  const seconds = Number(arg('seconds', '60'));
  const fastSeconds = Number(arg('fast-seconds', '20'));
  const warmupS = Number(arg('warmup', '5'));
  const modes = arg('modes', 'realtime,fast').split(',') as Mode[];
  const out = arg('out', '');
  makeClip('1920x1080', '6M'); // once, before any timing
  const before = machine();
  const results: RunResult[] = [];
  for (const mode of modes) {
    for (let i = 0; i < runs; i++) {
      for (const variant of ['pool', 'external'] as const) {
        const r = await runChild(variant, mode, mode === 'realtime' ? seconds : fastSeconds, warmupS);
        process.stderr.write(`${JSON.stringify(r)}\n`);
        results.push(r);
      }
    }
  }
  const report = {
    bench: 'frames-buffers',
    date: new Date().toISOString(),
    machine: { ...before, loadavgAfter: machine().loadavg },
    config: { size: '1920x1080', bitrate: '6M', format: 'rgba', decoderThreads: 1, runs, seconds, fastSeconds, warmupS },
    summary: modes.flatMap((m) => [summary(results, m, 'pool'), summary(results, m, 'external')]),
    results,
  };
  const text = JSON.stringify(report);
  if (out) fs.writeFileSync(out, `${text}\n`);
  process.stdout.write(`${text}\n`);
}

runBench('frames-buffers', main);
