/**
 * HLS/LL-HLS in your own Express app: the engine takes RTMP, the built-in
 * HTTP server stays off, and Express serves the playlists and segments next
 * to its own routes. Publish with
 *   ffmpeg -re -i input.mp4 -c copy -f flv rtmp://127.0.0.1:1935/live/cam
 * and play http://127.0.0.1:8080/live/cam/index.m3u8?token=letmein
 * (hls.js, Safari, ffplay, VLC).
 *
 * Run from a checkout, once built (`bash scripts/start.sh` or `npm ci`):
 *   npm run example -- express-hls
 * Environment: PORT (RTMP, default 1935), HTTP_PORT (Express, default 8080; 0 picks free
 * ports), TOKEN (default "letmein").
 */
import express from 'express';

import { type Authorizer, createHlsHandler, createServer, type HlsStoreLike } from 'rtmp-engine';

/** An Express app with HLS mounted as middleware; any other path reaches the app's own routes. */
export function createApp(store: HlsStoreLike, authorize?: Authorizer): express.Express {
  const hls = createHlsHandler({ store, ...(authorize ? { authorize } : {}) });
  const app = express();
  // The handler resolves false for anything that is not an HLS/DASH URL: Express moves on.
  app.use((req, res, next) => {
    hls(req, res).then((answered) => {
      if (!answered) next();
    }, next);
  });
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

/** Viewers need ?token=…; publishers are let in (add your own check). */
export function tokenAuthorizer(token: string): Authorizer {
  return (req) => {
    if (req.action === 'publish' || req.query.token === token) return { allow: true };
    return { allow: false, reason: 'a valid ?token= is required' };
  };
}

async function main(): Promise<void> {
  const authorize = tokenAuthorizer(process.env.TOKEN ?? 'letmein');
  const server = createServer({ rtmp: { port: Number(process.env.PORT ?? 1935) }, http: false });
  server.authorize(authorize);
  const { rtmp } = await server.listen();
  const store = server.hlsStore();
  if (!store) throw new Error('HLS is off');
  const app = createApp(store, authorize);
  const http = app.listen(Number(process.env.HTTP_PORT ?? 8080), () => {
    const address = http.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    console.log(`RTMP on rtmp://127.0.0.1:${rtmp}/live/<name>`);
    console.log(`HLS at http://127.0.0.1:${port}/live/<name>/index.m3u8?token=…`);
  });
  // process.on, not once: Ctrl-C under npm arrives twice (from the terminal and forwarded by
  // npm), and a second signal must not kill the process halfway through its close.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (http.listening) http.close();
      void server.close({ graceMs: 5_000 }); // idempotent
    });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
