/**
 * Latency publish → decoded frame in JS (issue 12, "Latency"). ffmpeg encodes a live 720p30
 * test picture with x264 -tune zerolatency and burns into each frame the wall clock at which it
 * filtered it (bench/hls/publisher.ts, stamp: a 32-bit barcode of Unix ms and its complement,
 * just before the encoder); this process runs the server and a frames() consumer on `gray`
 * frames that reads the barcode back. One machine, one clock: latency = arrival in JS − stamp,
 * so it covers x264 encoding, the RTMP send, ingest, decode, conversion and the hop into JS.
 *
 *   node -r ./test/helpers/register-ts.js bench/frames/latency.ts [--seconds 30] [--out FILE]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { createServer, type VideoFrame } from '../../lib';
import { STAMP_BITS, STAMP_BOX, startPublisher } from '../hls/publisher';
import { arg, machine, runBench, sleep } from './proc';

/** The low 32 bits of Unix ms in the frame's barcode, or null when a bit and its complement disagree. */
export function readStamp(f: VideoFrame): number | null {
  const plane = f.planes[0]!;
  const at = (x: number, y: number) => plane.data[y * plane.stride + x]! >= 128;
  const mid = STAMP_BOX / 2;
  if (!at(mid, mid) || at(STAMP_BOX + mid, mid)) return null; // the white/black header
  let value = 0;
  for (let i = 0; i < STAMP_BITS; i++) {
    const x = (2 + i) * STAMP_BOX + mid;
    const bit = at(x, mid);
    if (bit === at(x, STAMP_BOX + mid)) return null; // must be the complement
    value = value * 2 + (bit ? 1 : 0);
  }
  return value;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '30'));
  const out = arg('out', '');
  const before = machine();
  const server = createServer({ rtmp: { host: '127.0.0.1', port: 0 }, http: false, logLevel: 'silent' });
  const { port } = await server.listen();
  const logFile = path.join(os.tmpdir(), `frames-latency-pub-${process.pid}.log`);
  const latencies: number[] = [];
  let misreads = 0;
  let dropped = 0;
  let frames = 0;
  const stop = server.onFrames('live/lat', { wait: 30_000, audio: false, video: { format: 'gray' } }, (f) => {
    if (f.kind !== 'video') return;
    const now = Date.now();
    frames++;
    dropped += f.droppedBefore;
    const stamp = readStamp(f);
    f.release();
    if (stamp === null) {
      misreads++;
      return;
    }
    // Unix ms from its low 32 bits: the frame is from the last 49 days.
    const full = now - ((now - stamp) % 2 ** 32 + 2 ** 32) % 2 ** 32;
    latencies.push(now - full);
  });
  const pub = startPublisher({ url: `rtmp://127.0.0.1:${port}/live/lat`, stamp: true, logFile });
  const deadline = Date.now() + 30_000;
  while (frames === 0) {
    if (Date.now() > deadline || pub.hasExited()) throw new Error(`no frame within 30 s (publisher log: ${logFile})`);
    await sleep(100);
  }
  await sleep(3000); // past the start-up (GOP cache burst, encoder warm-up)
  latencies.length = 0;
  const [f0, d0, m0] = [frames, dropped, misreads];
  await sleep(seconds * 1000);
  const sample = latencies.slice().sort((a, b) => a - b);
  const counts = { frames: frames - f0, dropped: dropped - d0, misreads: misreads - m0 };
  stop();
  pub.child.kill('SIGKILL');
  await server.close({ graceMs: 1000 });
  const report = {
    bench: 'frames-latency',
    date: new Date().toISOString(),
    machine: { ...before, loadavgAfter: machine().loadavg },
    config: { size: '1280x720', fps: 30, format: 'gray', seconds },
    ...counts,
    latencyMs: {
      median: percentile(sample, 50),
      p90: percentile(sample, 90),
      p99: percentile(sample, 99),
      min: sample[0] ?? NaN,
      max: sample[sample.length - 1] ?? NaN,
    },
  };
  const text = JSON.stringify(report);
  if (out) fs.writeFileSync(out, `${text}\n`);
  process.stdout.write(`${text}\n`);
}

runBench('frames-latency', main);
