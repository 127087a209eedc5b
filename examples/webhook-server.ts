/**
 * Auth decided by another service over HTTP. This one file runs both sides
 * so it works out of the box:
 *  - an "auth service" on 127.0.0.1 (a free port unless AUTH_PORT says
 *    which) that knows one stream key per channel and maps it to the
 *    channel's public name;
 *  - the RTMP server, asking it through webhookAuthorizer (POST JSON, a
 *    timeout, and a circuit breaker that fails fast while the service is down).
 *
 * Run from a checkout, once built (`bash scripts/start.sh` or `npm ci`):
 *   npm run example -- webhook-server
 * then publish with the secret key and play the public name:
 *   ffmpeg -re -i input.mp4 -c copy -f flv rtmp://127.0.0.1:1935/live/sk_alice_9f3b
 *   ffplay rtmp://127.0.0.1:1935/live/alice
 * Environment: PORT (RTMP, default 1935; 0 picks a free port), AUTH_PORT (the stand-in
 * service, default 0: a free port), AUTH_URL (your own service instead of the stand-in).
 */
import * as http from 'http';

import { createServer, webhookAuthorizer, type AuthRequest } from 'rtmp-engine';

const port = Number(process.env.PORT ?? 1935);
const authPort = Number(process.env.AUTH_PORT ?? 0);

// ---- the auth service (stand-in for yours) --------------------------------

const streamKeys: Record<string, string> = { sk_alice_9f3b: 'alice', sk_bob_41c2: 'bob' };

function decide(req: AuthRequest): { allow: boolean; name?: string; reason?: string } {
  if (req.action === 'play') return { allow: true };
  const channel = streamKeys[req.name];
  return channel ? { allow: true, name: channel } : { allow: false, reason: 'unknown stream key' };
}

/** Starts the stand-in service on 127.0.0.1:authPort; resolves with its URL. */
function startAuthService(): Promise<string> {
  const service = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      let answer: object;
      try {
        answer = decide(JSON.parse(body) as AuthRequest);
      } catch {
        response.writeHead(400).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  return new Promise((resolve, reject) => {
    service.once('error', reject);
    service.listen(authPort, '127.0.0.1', () => {
      const address = service.address();
      const bound = typeof address === 'object' && address ? address.port : authPort;
      // Only the stand-in: it stops with the process and must not keep it alive on its own.
      service.unref();
      resolve(`http://127.0.0.1:${bound}/rtmp-auth`);
    });
  });
}

// ---- the RTMP server ------------------------------------------------------

async function main(): Promise<void> {
  const url = process.env.AUTH_URL ?? (await startAuthService());
  console.log(`auth service at ${url}`);
  // RTMP only (`http: false`); with HTTP on, the same webhook decides for HLS/DASH viewers too.
  const server = createServer({ rtmp: { port }, http: false, logLevel: 'info' });
  const authorizer = webhookAuthorizer({ url, timeoutMs: 2000, breaker: { failureThreshold: 5, resetAfterMs: 30_000 } });
  server.authorize(authorizer);
  server.on('publish', (e) => console.log(`▶ ${e.path} is live`));
  const { port: bound } = await server.listen();
  console.log(`RTMP on rtmp://127.0.0.1:${bound}/live/<stream key>, asking ${url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // close() is idempotent: a second signal (Ctrl-C under npm can arrive twice) waits for the same close.
    process.on(signal, () => void server.close({ graceMs: 3000 }).then(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
