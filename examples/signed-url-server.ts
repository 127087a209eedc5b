/**
 * Signed stream URLs: your backend hands out publish/play URLs that carry an
 * expiry and an HMAC-SHA256 signature; the server checks them before anything
 * starts. Nothing to look up per request, and a URL stops working at its expiry.
 *
 * Run from a checkout (after `npm run build:addon`):
 *   SIGNING_SECRET=change-me node -r ./test/helpers/register-ts.js examples/signed-url-server.ts
 * It prints a publish URL and a play URL valid for one hour, e.g.
 *   ffmpeg -re -i input.mp4 -c copy -f flv "<publish URL>"
 *   ffplay "<play URL>"
 * Environment: PORT (default 1935), SIGNING_SECRET (required in production).
 */
import { createServer, signStreamUrl, signedUrlAuthorizer } from '../lib';

const port = Number(process.env.PORT ?? 1935);
const secret = process.env.SIGNING_SECRET ?? 'change-me';

const server = createServer({ rtmp: { port }, logLevel: 'info' });

// Checks exp and sig on every publish and play; a denial reaches the encoder
// or player as NetStream.Publish.Unauthorized / NetStream.Play.Failed.
server.authorize(signedUrlAuthorizer({ secret }));

async function main(): Promise<void> {
  const { port: bound } = await server.listen();
  const inOneHour = Math.floor(Date.now() / 1000) + 3600;
  // What your backend would do when a user asks to go live or to watch.
  const publishPath = signStreamUrl('live/cam1', { secret, expiresAt: inOneHour, action: 'publish' });
  const playPath = signStreamUrl('live/cam1', { secret, expiresAt: inOneHour, action: 'play' });
  console.log(`publish: rtmp://127.0.0.1:${bound}/${publishPath}`);
  console.log(`play:    rtmp://127.0.0.1:${bound}/${playPath}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void server.close({ graceMs: 3000 }).then(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
