/**
 * A basic live server: publish with
 *   ffmpeg -re -i input.mp4 -c copy -f flv "rtmp://127.0.0.1:1935/live/cam?key=secret"
 * and play with
 *   ffplay rtmp://127.0.0.1:1935/live/cam
 * or in a browser at http://127.0.0.1:8000/live/cam (LL-HLS; the dashboard is at /).
 *
 * Run from a checkout, once built (`bash scripts/start.sh` or `npm ci`):
 *   npm run example -- basic-server
 * Environment: PORT (RTMP, default 1935), HTTP_PORT (HLS/DASH and the pages, default 8000;
 * 0 picks free ports), STREAM_KEY (default "secret").
 */
import { createServer } from 'rtmp-engine';

const port = Number(process.env.PORT ?? 1935);
const httpPort = Number(process.env.HTTP_PORT ?? 8000);
const streamKey = process.env.STREAM_KEY ?? 'secret';

const server = createServer({
  rtmp: { host: '0.0.0.0', port },
  http: { port: httpPort },
  streams: { gopCache: true },
  players: { lowLatency: true },
  logLevel: 'info',
});

// Publishers need the stream key; anyone may play. The engine holds each
// publish until this answers, so a wrong key never starts a stream.
server.authorize((req) => {
  if (req.action === 'play' || req.query.key === streamKey) return { allow: true };
  return { allow: false, reason: 'wrong stream key' };
});

server.on('publish', (e) => {
  const video = e.codec.video ? `${e.codec.video.codec} ${e.codec.video.width ?? '?'}x${e.codec.video.height ?? '?'}` : 'no video yet';
  const audio = e.codec.audio ? `${e.codec.audio.codec} ${e.codec.audio.sampleRate ?? '?'} Hz` : 'no audio yet';
  console.log(`▶ ${e.path} from ${e.ip}: ${video}, ${audio}`);
});

server.on('play', (e) => console.log(`  viewer ${e.sessionId} watching ${e.path}`));
server.on('unpublish', (e) => console.log(`■ ${e.path} ended (${e.bytesIn} bytes in)`));
server.on('error', (e) => console.warn(`session ${e.sessionId} failed: ${e.code} ${e.message}`));

setInterval(() => {
  for (const s of server.streams()) console.log(`  ${s.path}: ${s.players} viewer(s), ${s.videoFrames} video frames`);
}, 10_000).unref();

async function main(): Promise<void> {
  const { rtmp, http } = await server.listen();
  console.log(`RTMP on rtmp://127.0.0.1:${rtmp}/live/<name>?key=${streamKey}`);
  console.log(`HTTP on http://127.0.0.1:${http}/ (dashboard; players at /live/<name>)`);
  // process.on, not once: Ctrl-C under npm arrives twice (from the terminal and forwarded by
  // npm), and a second signal must not kill the process halfway through its close.
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void server.close({ graceMs: 5000 }).then((r) => {
        console.log(`closed: ${r.publishers} publisher(s) and ${r.players} player(s) left, ${r.forced} forced`);
        process.exit(0);
      });
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
