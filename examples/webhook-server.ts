/**
 * Auth decided by another service over HTTP. This one file runs both sides
 * so it works out of the box:
 *  - an "auth service" on 127.0.0.1:8081 that knows one stream key per
 *    channel and maps it to the channel's public name;
 *  - the RTMP server, asking it through webhookAuthorizer (POST JSON, a
 *    timeout, and a circuit breaker that fails fast while the service is down).
 *
 * Run from a checkout (after `npm run build:addon`):
 *   node -r ./test/helpers/register-ts.js examples/webhook-server.ts
 * then publish with the secret key and play the public name:
 *   ffmpeg -re -i input.mp4 -c copy -f flv rtmp://127.0.0.1:1935/live/sk_alice_9f3b
 *   ffplay rtmp://127.0.0.1:1935/live/alice
 * Environment: PORT (default 1935), AUTH_URL (use your own service instead).
 */
import * as http from 'http';

import { createServer, webhookAuthorizer, type AuthRequest } from '../lib';

const port = Number(process.env.PORT ?? 1935);

// ---- the auth service (stand-in for yours) --------------------------------

const streamKeys: Record<string, string> = { sk_alice_9f3b: 'alice', sk_bob_41c2: 'bob' };

function decide(req: AuthRequest): { allow: boolean; name?: string; reason?: string } {
  if (req.action === 'play') return { allow: true };
  const channel = streamKeys[req.name];
  return channel ? { allow: true, name: channel } : { allow: false, reason: 'unknown stream key' };
}

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
  return new Promise((resolve) => service.listen(8081, '127.0.0.1', () => resolve('http://127.0.0.1:8081/rtmp-auth')));
}

// ---- the RTMP server ------------------------------------------------------

async function main(): Promise<void> {
  const url = process.env.AUTH_URL ?? (await startAuthService());
  const server = createServer({ rtmp: { port }, logLevel: 'info' });
  const authorizer = webhookAuthorizer({ url, timeoutMs: 2000, breaker: { failureThreshold: 5, resetAfterMs: 30_000 } });
  server.authorize(authorizer);
  server.on('publish', (e) => console.log(`▶ ${e.path} is live`));
  const { port: bound } = await server.listen();
  console.log(`RTMP on :${bound}, asking ${url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void server.close({ graceMs: 3000 }).then(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
