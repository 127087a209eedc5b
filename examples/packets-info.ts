/**
 * Prints a live stream's encoded packets as they arrive: the decoder setup
 * when it changes, then one line per second with packet counts, bytes and
 * drops. Publish with
 *   ffmpeg -re -i input.mp4 -c copy -f flv rtmp://127.0.0.1:1935/live/cam
 *
 * Environment: PORT (RTMP, default 1935; 0 picks a free port).
 *
 * Run from a checkout, once built (`bash scripts/start.sh` or `npm ci`):
 *   npm run example -- packets-info [app/name]
 * The same packets feed WebCodecs directly: see docs/frames.md.
 */
import { createServer } from 'rtmp-engine';

const path = process.argv[2] ?? 'live/cam';
// RTMP only (`http: false`): this example reads the stream in JavaScript, nobody plays it over HTTP.
const server = createServer({
  rtmp: { host: '0.0.0.0', port: Number(process.env.PORT ?? 1935) },
  http: false,
  logLevel: 'info',
});

async function main(): Promise<void> {
  const { rtmp } = await server.listen();
  console.log(`RTMP on rtmp://127.0.0.1:${rtmp}/${path}: waiting for a publisher`);
  const controller = new AbortController();
  // Aborting twice is harmless: Ctrl-C under npm may arrive twice (terminal and npm).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => controller.abort());
  const second = { video: 0, audio: 0, bytes: 0, dropped: 0 };
  let mark = Date.now();
  try {
    for await (const p of server.packets(path, { wait: true, signal: controller.signal })) {
      if (p.decoderConfig) console.log(`${p.kind} decoder config:`, { ...p.decoderConfig, description: p.description?.length });
      if (p.discontinuity) console.log('publisher came back: timeline restarts');
      second[p.kind]++;
      second.bytes += p.data.length;
      second.dropped += p.droppedBefore;
      if (Date.now() - mark >= 1000) {
        console.log(second);
        Object.assign(second, { video: 0, audio: 0, bytes: 0, dropped: 0 });
        mark = Date.now();
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code !== 'ABORT_ERR') throw err;
  }
  await server.close({ graceMs: 1000 });
}

void main();
