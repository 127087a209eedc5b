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
 * Run from a checkout (after `npm run build:addon`):
 *   node -r ./test/helpers/register-ts.js examples/frames-to-jpeg.ts [app/name] [folder]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { createServer } from '../lib';

const path = process.argv[2] ?? 'live/cam';
const folder = process.argv[3] ?? 'snapshots';
const server = createServer({ rtmp: { host: '0.0.0.0', port: Number(process.env.PORT ?? 1935) }, logLevel: 'info' });

async function main(): Promise<void> {
  await server.listen();
  mkdirSync(folder, { recursive: true });
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
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
