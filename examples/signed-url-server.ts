/**
 * Signed stream URLs: your backend hands out publish/play URLs that carry an
 * expiry and an HMAC-SHA256 signature; the server checks them before anything
 * starts. Nothing to look up per request, and a URL stops working at its expiry.
 *
 * Run from a checkout, once built (`bash scripts/start.sh` or `npm ci`):
 *   SIGNING_SECRET=change-me npm run example -- signed-url-server
 * It prints a publish URL and a play URL valid for one hour, e.g.
 *   ffmpeg -re -i input.mp4 -c copy -f flv "<publish URL>"
 *   ffplay "<play URL>"
 * Environment: PORT (RTMP, default 1935; 0 picks a free port), SIGNING_SECRET (required in
 * production).
 */
import { createServer, signStreamUrl, signedUrlAuthorizer } from 'rtmp-engine';

const port = Number(process.env.PORT ?? 1935);
const secret = process.env.SIGNING_SECRET ?? 'change-me';

// RTMP only (`http: false`); with HTTP on, the same authorizer checks HLS/DASH viewers too.
const server = createServer({ rtmp: { port }, http: false, logLevel: 'info' });

// Checks exp and sig on every publish and play; a denial reaches the encoder
// or player as NetStream.Publish.Unauthorized / NetStream.Play.Failed.
server.authorize(signedUrlAuthorizer({ secret }));

async function main(): Promise<void> {
  const { port: bound } = await server.listen();
  const inOneHour = Math.floor(Date.now() / 1000) + 3600;
  // What your backend would do when a user asks to go live or to watch.
  const publishPath = signStreamUrl('live/cam1', { secret, expiresAt: inOneHour, action: 'publish' });
  const playPath = signStreamUrl('live/cam1', { secret, expiresAt: inOneHour, action: 'play' });
  console.log(`RTMP on rtmp://127.0.0.1:${bound}/, URLs valid for one hour:`);
  console.log(`publish: rtmp://127.0.0.1:${bound}/${publishPath}`);
  console.log(`play:    rtmp://127.0.0.1:${bound}/${playPath}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // close() is idempotent: a second signal (Ctrl-C under npm can arrive twice) waits for the same close.
    process.on(signal, () => void server.close({ graceMs: 3000 }).then(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
