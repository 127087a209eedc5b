/**
 * A tiny per-frame analysis in JavaScript: decoded `gray` frames scaled to
 * 160 pixels wide, compared with the previous one; prints a line when more
 * than 2 % of the pixels changed by more than 24 levels. Publish with
 *   ffmpeg -re -i input.mp4 -c copy -f flv rtmp://127.0.0.1:1935/live/cam
 *
 * Environment: PORT (RTMP, default 1935; 0 picks a free port).
 *
 * Run from a checkout, once built (`bash scripts/start.sh` or `npm ci`):
 *   npm run example -- motion-detect [app/name]
 */
import { createServer } from 'rtmp-engine';

const path = process.argv[2] ?? 'live/cam';
// RTMP only (`http: false`): this example reads the stream in JavaScript, nobody plays it over HTTP.
const server = createServer({
  rtmp: { host: '0.0.0.0', port: Number(process.env.PORT ?? 1935) },
  http: false,
  logLevel: 'info',
});

const THRESHOLD = 24;
const MOVING_SHARE = 0.02;

async function main(): Promise<void> {
  const { rtmp } = await server.listen();
  console.log(`RTMP on rtmp://127.0.0.1:${rtmp}/${path}: waiting for a publisher`);
  const controller = new AbortController();
  // Aborting twice is harmless: Ctrl-C under npm may arrive twice (terminal and npm).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => controller.abort());
  let previous: Uint8Array | undefined;
  try {
    const frames = server.frames(path, {
      wait: true,
      audio: false,
      video: { format: 'gray', width: 160, maxFps: 10 },
      signal: controller.signal,
    });
    for await (const f of frames) {
      if (f.kind !== 'video') continue;
      const { data, stride } = f.planes[0]!;
      // Visible pixels only (rows are padded to `stride`), copied: the buffer goes back below.
      const current = new Uint8Array(f.width * f.height);
      for (let y = 0; y < f.height; y++) current.set(data.subarray(y * stride, y * stride + f.width), y * f.width);
      f.release();
      if (previous && previous.length === current.length && !f.discontinuity) {
        let moving = 0;
        for (let i = 0; i < current.length; i++) if (Math.abs(current[i]! - previous[i]!) > THRESHOLD) moving++;
        const share = moving / current.length;
        if (share > MOVING_SHARE) console.log(`${f.timestamp} ms: motion (${(share * 100).toFixed(1)} % of the picture)`);
      }
      previous = current;
    }
  } catch (err) {
    if ((err as { code?: string }).code !== 'ABORT_ERR') throw err;
  }
  await server.close({ graceMs: 1000 });
}

void main();
