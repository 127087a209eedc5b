/**
 * examples/express-hls.ts: the HLS handler mounted as Express middleware,
 * over a store fed by hand-built items. HLS URLs are answered by the handler
 * (auth included), everything else reaches Express's own routes and 404.
 */
import { once } from 'events';
import type { Server } from 'http';
import type { AddressInfo } from 'net';

import { createApp, tokenAuthorizer } from '../../examples/express-hls';
import { HlsStore } from '../../lib/http/hls/store';
import { FakePublish } from './hls-feed-builder';

let server: Server | undefined;
let store: HlsStore | undefined;

afterEach(async () => {
  store?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  }
  server = undefined;
});

async function start(): Promise<string> {
  store = new HlsStore();
  const pub = new FakePublish();
  store.ingest(pub.init());
  for (let i = 0; i < 2; i++) for (const item of pub.segment()) store.ingest(item);
  server = createApp(store, tokenAuthorizer('letmein')).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('HLS through Express middleware, with the token carried and checked', async () => {
  const base = await start();
  const denied = await fetch(`${base}/live/cam/index.m3u8`);
  expect(denied.status).toBe(403);
  const master = await fetch(`${base}/live/cam/index.m3u8?token=letmein`);
  expect(master.status).toBe(200);
  expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
  const text = await master.text();
  const uri = /^(video\.m3u8\?token=letmein&session=[^\s]+)$/m.exec(text)?.[1];
  expect(uri).toBeDefined();
  const media = await fetch(`${base}/live/cam/${uri}`);
  expect(media.status).toBe(200);
  const part = await fetch(`${base}/live/cam/${store?.get('live/cam')?.epoch}-part-1-0-video.m4s`, { headers: { Range: 'bytes=0-9' } });
  expect(part.status).toBe(206);
  expect((await part.arrayBuffer()).byteLength).toBe(10);
});

test("other paths reach Express's routes and its own 404", async () => {
  const base = await start();
  const health = await fetch(`${base}/health`);
  expect(await health.json()).toEqual({ ok: true });
  expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
  // An HLS URL of an unknown stream is the handler's JSON 404, not Express's page.
  const unknown = await fetch(`${base}/live/nobody/index.m3u8?token=letmein`);
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
});
