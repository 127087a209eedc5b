/**
 * Writes one JPEG per second of a live stream into a folder, named after the
 * picture's timestamp (ms, stream clock). Publish with
 *   ffmpeg -re -i input.mp4 -c copy -f flv rtmp://127.0.0.1:1935/live/cam
 *
 * server.snapshot() decodes on demand: for a stream nobody decodes it gives
 * the latest keyframe, so with a 2 s GOP two seconds in a row would give the
 * same picture. A tiny frames() subscription (gray, 16 px wide, 1 fps, every
 * frame released at once) keeps the stream's decoder running, and then each
 * snapshot is the picture of that moment.
 *
 * Environment: PORT (RTMP, default 1935; 0 picks a free port).
 *
 * Run from a checkout, once built (`bash scripts/start.sh` or `npm ci`):
 *   npm run example -- frames-to-jpeg [app/name] [folder]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { createServer } from 'rtmp-engine';

const path = process.argv[2] ?? 'live/cam';
const folder = process.argv[3] ?? 'snapshots';
// RTMP only (`http: false`): this example reads the stream in JavaScript, nobody plays it over HTTP.
const server = createServer({
  rtmp: { host: '0.0.0.0', port: Number(process.env.PORT ?? 1935) },
  http: false,
  logLevel: 'info',
});

async function main(): Promise<void> {
  const { rtmp } = await server.listen();
  console.log(`RTMP on rtmp://127.0.0.1:${rtmp}/${path}: waiting for a publisher`);
  mkdirSync(folder, { recursive: true });
  const controller = new AbortController();
  // Aborting twice is harmless: Ctrl-C under npm may arrive twice (terminal and npm).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => controller.abort());
  const { signal } = controller;

  const stopDecoding = server.onFrames(
    path,
    { wait: true, audio: false, video: { format: 'gray', width: 16, maxFps: 1 }, signal },
    (frame) => frame.release(),
  );
  let last = -1;
  while (!signal.aborted) {
    try {
      const shot = await server.snapshot(path, { format: 'jpeg', width: 640, quality: 85, wait: true, signal });
      if (shot.timestamp !== last) {
        writeFileSync(join(folder, `${shot.timestamp}.jpg`), shot.data);
        console.log(`${shot.timestamp} ms: ${shot.width}x${shot.height}, ${shot.data.length} bytes`);
        last = shot.timestamp;
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ABORT_ERR') break;
      if (code !== 'ERR_RTMP_TIMEOUT') throw err; // no picture yet (publisher gone): try again
    }
    await sleep(1000, undefined, { signal }).catch(() => undefined);
  }
  stopDecoding();
  await server.close({ graceMs: 1000 });
}

void main();
