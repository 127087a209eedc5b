// The approach apps use today, for bench/frames/cost.ts: this Node process
// runs `ffmpeg -i URL -f rawvideo pipe:1`, cuts its stdout into frames and
// touches every cache line of each (as the engine's consumer does). Prints
// {"frames":N} once a second on stdout and {"ffmpegPid":P} at start.
//   node bench/frames/pipe-reader.js URL WIDTH HEIGHT FORMAT(yuv420p|rgba)
'use strict';
const { spawn } = require('child_process');

const [url, w, h, format] = process.argv.slice(2);
const width = Number(w);
const height = Number(h);
const frameBytes = format === 'rgba' ? width * height * 4 : (width * height * 3) / 2;
const ffmpeg = spawn(
  'ffmpeg',
  ['-v', 'error', '-threads', '1', '-i', url, '-an', '-fps_mode', 'passthrough', '-pix_fmt', format, '-f', 'rawvideo', 'pipe:1'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
process.stdout.write(`${JSON.stringify({ ffmpegPid: ffmpeg.pid })}\n`);
let frames = 0;
let sum = 0;
let pending = [];
let pendingBytes = 0;
ffmpeg.stdout.on('data', (chunk) => {
  pending.push(chunk);
  pendingBytes += chunk.length;
  while (pendingBytes >= frameBytes) {
    const all = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    const frame = all.subarray(0, frameBytes);
    let local = 0; // a local sum: the captured one would box a number per read
    for (let i = 0; i < frame.length; i += 64) local += frame[i];
    sum = (sum + local) & 0xffff;
    frames++;
    const rest = all.subarray(frameBytes);
    pending = rest.length ? [rest] : [];
    pendingBytes = rest.length;
  }
});
const timer = setInterval(() => process.stdout.write(`${JSON.stringify({ frames, sum: sum & 0xff })}\n`), 1000);
ffmpeg.on('exit', () => {
  clearInterval(timer);
  process.stdout.write(`${JSON.stringify({ frames, ended: true })}\n`);
  process.exit(0);
});
process.on('SIGTERM', () => ffmpeg.kill('SIGKILL'));
