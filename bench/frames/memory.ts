/**
 * Memory of decoded frames (issue 12, "Memory"), in two parts:
 *  1. RSS of this process (server + decoders + JS) with K live 720p30 streams published and no
 *     subscriber, then with a frames() consumer on each (every frame touched and released):
 *     the delta, and per subscription.
 *  2. A soak: one stream, a subscriber that joins, takes frames for half the period and leaves,
 *     every `period` seconds, for `soak` seconds; RSS sampled each period. Reported: RSS at
 *     minute 1, at the end, and their ratio (goal: within +10 %).
 *
 *   node --expose-gc -r ./test/helpers/register-ts.js bench/frames/memory.ts \
 *     [--streams 5] [--format yuv420p] [--soak 600] [--period 5] [--out FILE]
 */
import * as fs from 'fs';

import { createServer } from '../../lib';
import { makeClip, publishLoop } from './clip';
import { arg, machine, rssBytes, runBench, sleep, touchPlane } from './proc';

const MiB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

async function settledRss(): Promise<number> {
  gc?.();
  await sleep(500);
  return rssBytes();
}

async function main(): Promise<void> {
  const streams = Number(arg('streams', '5'));
  const format = arg('format', 'yuv420p') as 'yuv420p' | 'rgba';
  const soakS = Number(arg('soak', '600'));
  const periodS = Number(arg('period', '5'));
  const out = arg('out', '');
  const before = machine();
  const clip = makeClip('1280x720', '2500k');
  const server = createServer({ rtmp: { host: '127.0.0.1', port: 0 }, http: false, logLevel: 'silent' });
  const { port } = await server.listen();
  const paths = Array.from({ length: streams }, (_, i) => `live/m${i}`);
  const publishers = paths.map((p) => publishLoop(clip, `rtmp://127.0.0.1:${port}/${p}`));
  const deadline = Date.now() + 20_000;
  while (server.streams().filter((s) => s.videoFrames > 0).length < streams) {
    if (Date.now() > deadline) throw new Error('the publishers did not start within 20 s');
    await sleep(200);
  }
  await sleep(5000);
  const idle = await settledRss();

  let frames = 0;
  let dropped = 0;
  let touched = 0;
  const consume = (p: string) =>
    server.onFrames(p, { audio: false, video: { format } }, (f) => {
      if (f.kind !== 'video') return;
      touched = (touched + touchPlane(f.planes[0]!.data)) & 0xffff;
      frames++;
      dropped += f.droppedBefore;
      f.release();
    });
  const stops = paths.map(consume);
  await sleep(10_000);
  const decoding = await settledRss();
  const decodedFrames = frames;
  for (const stop of stops) stop();
  for (const p of publishers.slice(1)) p.child.kill('SIGKILL');

  // The soak on the first stream.
  const samples: Array<{ t: number; rssMiB: number }> = [];
  const t0 = Date.now();
  while (Date.now() - t0 < soakS * 1000) {
    const stop = consume(paths[0]!);
    await sleep((periodS * 1000) / 2);
    stop();
    await sleep((periodS * 1000) / 2);
    samples.push({ t: Math.round((Date.now() - t0) / 1000), rssMiB: Math.round((rssBytes() / MiB) * 10) / 10 });
  }
  publishers[0]!.child.kill('SIGKILL');
  await server.close({ graceMs: 1000 });
  if (touched < 0) console.log(touched);

  const atMinute1 = samples.find((s) => s.t >= 60) ?? samples[0];
  const last = samples[samples.length - 1];
  const round1 = (v: number) => Math.round(v * 10) / 10;
  const report = {
    bench: 'frames-memory',
    date: new Date().toISOString(),
    machine: { ...before, loadavgAfter: machine().loadavg },
    config: { size: '1280x720', fps: 30, streams, format, soakS, periodS, gcBeforeRss: gc !== undefined },
    rssIdleMiB: round1(idle / MiB),
    rssDecodingMiB: round1(decoding / MiB),
    deltaMiB: round1((decoding - idle) / MiB),
    perSubscriptionMiB: round1((decoding - idle) / MiB / streams),
    framesIn10s: decodedFrames,
    dropped,
    soak: atMinute1 && last ? { atMinute1MiB: atMinute1.rssMiB, endMiB: last.rssMiB, ratio: Math.round((last.rssMiB / atMinute1.rssMiB) * 1000) / 1000, samples } : null,
  };
  const text = JSON.stringify(report);
  if (out) fs.writeFileSync(out, `${text}\n`);
  process.stdout.write(`${text}\n`);
}

runBench('frames-memory', main);
