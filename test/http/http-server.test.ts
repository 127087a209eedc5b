/**
 * The built-in HTTP server of createServer(): both ports reported, the page
 * and HLS on one port, 404 JSON for the rest, a taken HTTP port, and close()
 * answering a blocked playlist request before the engine stops. HLS items are
 * fed by hand into the server's own store (the engine's segmenter is tested
 * end to end elsewhere).
 */
import type { HlsFeedItem } from '../../lib/http/hls/feed';
import { describeWithAddon } from '../helpers/addon';
import { closeAllTestServers, holdPort, testServer } from '../helpers/servers';
import { FakePublish } from './hls-feed-builder';

const HTTP = { host: '127.0.0.1', port: 0 };

afterEach(async () => {
  await closeAllTestServers();
});

describeWithAddon('built-in HTTP server', () => {
  test('listen() reports RTMP and HTTP ports; / is the page, /time the clock, unknown paths 404 JSON', async () => {
    const server = testServer({ http: HTTP });
    const ports = await server.listen();
    expect(ports.rtmp).toBe(ports.port);
    expect(ports.http).toBeGreaterThan(0);
    expect(server.httpPort()).toBe(ports.http);
    const base = `http://127.0.0.1:${ports.http}`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(Date.parse(await (await fetch(`${base}/time`)).text())).not.toBeNaN();
    const missing = await fetch(`${base}/live/nobody/index.m3u8`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const other = await fetch(`${base}/no/such/thing/here`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  test('http: false binds no HTTP port', async () => {
    const server = testServer({ http: false });
    const ports = await server.listen();
    expect(ports.http).toBeUndefined();
    expect(server.httpPort()).toBeNull();
    expect(server.hlsStore()).toBeDefined();
  });

  test('a taken HTTP port fails listen() with ERR_RTMP_ADDRESS_IN_USE and leaves nothing bound', async () => {
    const held = await holdPort();
    try {
      const server = testServer({ http: { host: '127.0.0.1', port: held.port } });
      await expect(server.listen()).rejects.toMatchObject({ code: 'ERR_RTMP_ADDRESS_IN_USE' });
      expect(server.address()).toBeNull();
    } finally {
      await held.release();
    }
  });

  test('close() while listen() is binding HTTP waits for it, then stops everything', async () => {
    const server = testServer({ http: HTTP });
    const listening = server.listen();
    const closed = server.close({ graceMs: 0 });
    const { http } = await listening;
    await closed;
    expect(server.address()).toBeNull();
    await expect(fetch(`http://127.0.0.1:${http}/`)).rejects.toThrow();
  });

  test('HLS from the server store, and close() answers a blocked request', async () => {
    const server = testServer({ http: HTTP });
    const { http } = await server.listen();
    const store = server.hlsStore();
    if (!store) throw new Error('no store');
    const pub = new FakePublish({ stream: 'live/x' });
    const feed = (items: HlsFeedItem[]) => items.forEach((i) => store.ingest(i));
    feed([pub.init(), ...pub.segment(), ...pub.segment()]);
    const base = `http://127.0.0.1:${http}/live/x`;
    const master = await fetch(`${base}/index.m3u8`);
    expect(master.status).toBe(200);
    const masterText = await master.text();
    expect(masterText).toContain('video.m3u8?session=');
    expect(server.viewers('live/x')).toBe(0); // one request: not a viewer yet
    const session = /session=([A-Za-z0-9_-]+)/.exec(masterText)?.[1];
    expect((await fetch(`${base}/video.m3u8?session=${session}`)).status).toBe(200);
    expect(server.viewers('live/x')).toBe(1);
    const blocked = fetch(`${base}/video.m3u8?_HLS_msn=2`);
    const deadline = Date.now() + 5_000;
    while (store.waiting() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(store.waiting()).toBe(1);
    const closing = server.close({ graceMs: 1_000 });
    const answer = await blocked;
    expect(answer.status).toBe(503);
    await closing;
  });
});
