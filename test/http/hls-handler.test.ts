/**
 * The HLS handler over a real HlsStore fed by hand-built items (no engine):
 * status codes, caching headers, ranges, CORS, blocking reload, preload hints,
 * viewer sessions and authorization, through a real node:http server.
 */
import { once } from 'events';
import * as http from 'http';
import type { AddressInfo } from 'net';

import { signedUrlAuthorizer, signStreamUrl } from '../../lib/auth/signed-url';
import type { AuthRequest, Authorizer } from '../../lib/auth/types';
import type { HlsFeedItem } from '../../lib/http/hls/feed';
import { HlsStore } from '../../lib/http/hls/store';
import { createHlsHandler, type HlsHandler, type HlsHandlerOptions } from '../../lib/http/hls-handler';
import { FakePublish, kAudio } from './hls-feed-builder';

interface Setup {
  store: HlsStore;
  handler: HlsHandler;
  base: string;
  close: () => Promise<void>;
}

const open: Setup[] = [];

async function setup(
  options: Partial<HlsHandlerOptions> = {},
  storeOptions: ConstructorParameters<typeof HlsStore>[0] = {},
): Promise<Setup> {
  const store = new HlsStore(storeOptions);
  const handler = createHlsHandler({ store, ...options });
  const server = http.createServer((req, res) => {
    void handler(req, res).then((mine) => {
      if (!mine) res.writeHead(418).end('not mine');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const s: Setup = {
    store,
    handler,
    base,
    close: async () => {
      handler.close();
      store.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  open.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** The epoch prefix of a stream's media names ('none' for a stream the store does not know). */
function epochOf(store: HlsStore, stream: string): string {
  return store.get(stream)?.epoch ?? 'none';
}

function feed(store: HlsStore, items: HlsFeedItem | HlsFeedItem[]): void {
  for (const item of Array.isArray(items) ? items : [items]) store.ingest(item);
}

/** A live stream with `segments` complete 2 s segments of 10 parts (200 ms) each. */
function live(store: HlsStore, segments = 3, options: ConstructorParameters<typeof FakePublish>[0] = {}): FakePublish {
  const pub = new FakePublish(options);
  feed(store, pub.init());
  for (let i = 0; i < segments; i++) feed(store, pub.segment());
  return pub;
}

async function json(res: Response): Promise<{ error: { code: string; message: string } }> {
  return (await res.json()) as { error: { code: string; message: string } };
}

/** Session id in the master playlist's media playlist URL. */
function sessionOf(master: string): string {
  const m = /video\.m3u8\?(?:[^\n]*&)?session=([A-Za-z0-9_-]+)/.exec(master);
  if (!m) throw new Error(`no session in:\n${master}`);
  return m[1] as string;
}

/** Polls until `check` holds (time-boxed). */
async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('routes and status codes', () => {
  test('a request that is not HLS is not ours', async () => {
    const { base } = await setup();
    for (const path of ['/', '/live/cam', '/live/cam/other.txt', '/a/b/c/index.m3u8', '/live/cam/seg-1-video.m4s', '/live/cam/e-seg-x-video.m4s']) {
      const res = await fetch(base + path);
      expect([path, res.status]).toEqual([path, 418]);
    }
  });

  test('an unknown stream is a 404 JSON error, with CORS and no caching', async () => {
    const { base } = await setup();
    const res = await fetch(`${base}/live/nobody/index.m3u8`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect((await json(res)).error.code).toBe('not_found');
    expect((await fetch(`${base}/live/nobody/e-seg-0-video.m4s`)).status).toBe(404);
  });

  test('503 with Retry-After before the first part, then 200', async () => {
    const { base, store } = await setup();
    const pub = new FakePublish();
    feed(store, pub.init());
    for (const path of ['index.m3u8', 'video.m3u8']) {
      const res = await fetch(`${base}/live/cam/${path}`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await json(res)).error.code).toBe('not_ready');
    }
    feed(store, pub.segment());
    expect((await fetch(`${base}/live/cam/index.m3u8`)).status).toBe(200);
  });

  test('a segment that left the window is 410; one never made is 404', async () => {
    const { base, store } = await setup();
    live(store, 12);
    const gone = await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-seg-0-video.m4s`);
    expect(gone.status).toBe(410);
    expect((await json(gone)).error.code).toBe('gone');
    expect((await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-seg-11-video.m4s`)).status).toBe(200);
    expect((await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-seg-99-video.m4s`)).status).toBe(404);
    expect((await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-init-5-video.mp4`)).status).toBe(404);
    // The same numbers under another instance's epoch (e.g. before a restart) name other bytes.
    const earlier = await fetch(`${base}/live/cam/k1-seg-11-video.m4s`);
    expect(earlier.status).toBe(410);
    expect((await json(earlier)).error.message).toContain('earlier instance');
  });

  test('methods other than GET/HEAD/OPTIONS get 405', async () => {
    const { base, store } = await setup();
    live(store);
    const res = await fetch(`${base}/live/cam/index.m3u8`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  test('/time answers the server clock in ISO 8601 (DASH UTCTiming)', async () => {
    const { base } = await setup({ now: () => Date.UTC(2026, 0, 2, 3, 4, 5, 678) });
    const res = await fetch(`${base}/time`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('2026-01-02T03:04:05.678Z');
  });
});

describe('playlists', () => {
  test('master: MIME type, per-viewer caching, a session id in media playlist URLs only', async () => {
    const { base, store } = await setup();
    live(store);
    const res = await fetch(`${base}/live/cam/index.m3u8`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    const text = await res.text();
    expect(text.startsWith('#EXTM3U')).toBe(true);
    expect(sessionOf(text)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(text).toMatch(/audio\.m3u8\?session=/);
  });

  test('media playlist: no-cache with an ETag, 304 on If-None-Match, HEAD without body', async () => {
    const { base, store } = await setup();
    live(store);
    const res = await fetch(`${base}/live/cam/video.m3u8`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const etag = res.headers.get('etag') as string;
    const text = await res.text();
    expect(text).toContain('#EXT-X-PART:');
    expect(text).not.toContain('session=');
    const again = await fetch(`${base}/live/cam/video.m3u8`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const head = await fetch(`${base}/live/cam/video.m3u8`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(await head.text()).toBe('');
  });

  test('every change of the window is in the next answer (the written text is reused only while unchanged)', async () => {
    const { base, store } = await setup({}, { endAfter: 0.05 });
    const pub = live(store, 2);
    const first = await (await fetch(`${base}/live/cam/video.m3u8`)).text();
    expect(await (await fetch(`${base}/live/cam/video.m3u8`)).text()).toBe(first);
    const items = pub.segment();
    feed(store, items[0] as HlsFeedItem);
    const second = await (await fetch(`${base}/live/cam/video.m3u8`)).text();
    expect(second).toContain('part-2-0-video.m4s"');
    feed(store, items.slice(1));
    const third = await (await fetch(`${base}/live/cam/video.m3u8`)).text();
    expect(third).toContain('seg-2-video.m4s');
    feed(store, pub.end());
    await until(() => store.get('live/cam')?.ended === true, 'the end');
    expect(await (await fetch(`${base}/live/cam/video.m3u8`)).text()).toContain('#EXT-X-ENDLIST');
  });

  test('a track the stream lacks is 404', async () => {
    const { base, store } = await setup();
    live(store, 3, { tracks: [kAudio] });
    expect((await fetch(`${base}/live/cam/video.m3u8`)).status).toBe(404);
    expect((await fetch(`${base}/live/cam/audio.m3u8`)).status).toBe(200);
  });

  test('_HLS_skip=YES gives a delta update', async () => {
    const { base, store } = await setup({}, { windowSegments: 12 });
    live(store, 12);
    const text = await (await fetch(`${base}/live/cam/video.m3u8?_HLS_skip=YES`)).text();
    expect(text).toContain('#EXT-X-SKIP:SKIPPED-SEGMENTS=');
  });

  test('malformed or lone directives are 400 (RFC 8216bis §6.2.5.2)', async () => {
    const { base, store } = await setup();
    live(store);
    for (const q of ['_HLS_part=1', '_HLS_msn=abc', '_HLS_msn=1&_HLS_part=-1', '_HLS_msn=01']) {
      const res = await fetch(`${base}/live/cam/video.m3u8?${q}`);
      expect([q, res.status]).toEqual([q, 400]);
    }
  });
});

describe('DASH', () => {
  test('index.mpd: MIME type, shared caching, the token on segment URLs, authorized as dash', async () => {
    const seen: AuthRequest[] = [];
    const { base, store, handler } = await setup({
      authorize: (req) => {
        seen.push(req);
        return { allow: true };
      },
    });
    live(store);
    const res = await fetch(`${base}/live/cam/index.mpd?token=t1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/dash+xml');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const text = await res.text();
    expect(text).toContain('<MPD');
    expect(text).toContain('token=t1');
    expect(text).not.toContain('session=');
    await fetch(`${base}/live/cam/index.mpd?token=t1`);
    // Reloads from the same player are one session, authorized once.
    expect(seen.map((r) => r.protocol)).toEqual(['dash']);
    expect(handler.viewers('live/cam')).toBe(1);
  });

  test('a TS stream has no MPD', async () => {
    const { base, store } = await setup();
    live(store, 2, { format: 'ts' });
    expect((await fetch(`${base}/live/cam/index.mpd`)).status).toBe(404);
  });
});

describe('segments and parts', () => {
  test('a part: MIME type, immutable caching, ETag, byte ranges (206/416), HEAD', async () => {
    const { base, store } = await setup();
    live(store);
    const url = `${base}/live/cam/${epochOf(store, 'live/cam')}-part-1-3-video.m4s`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.alloc(1000, 3));
    const etag = res.headers.get('etag') as string;
    expect((await fetch(url, { headers: { 'If-None-Match': etag } })).status).toBe(304);

    const ranged = await fetch(url, { headers: { Range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect((await ranged.arrayBuffer()).byteLength).toBe(10);
    const suffix = await fetch(url, { headers: { Range: 'bytes=-5' } });
    expect(suffix.headers.get('content-range')).toBe('bytes 995-999/1000');
    await suffix.arrayBuffer();
    const beyond = await fetch(url, { headers: { Range: 'bytes=5000-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */1000');

    const head = await fetch(url, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('1000');
    expect(await head.text()).toBe('');
    const audio = await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-part-1-3-audio.m4s`);
    expect(audio.headers.get('content-type')).toBe('audio/mp4');
  });

  test('the fast answers (existing part, segment, init; a playlist) have the general answer\'s headers', async () => {
    const { base, store, handler } = await setup();
    live(store);
    const epoch = epochOf(store, 'live/cam');
    // Without conditional headers the handler answers at once (the fast path); with an
    // If-None-Match that does not match, the general path answers the same 200.
    const stripped = (res: Response) => {
      const h = Object.fromEntries(res.headers.entries());
      delete h.date;
      return h;
    };
    for (const name of [`${epoch}-part-1-3-video.m4s`, `${epoch}-seg-1-audio.m4s`, `${epoch}-init-0-video.mp4`, 'video.m3u8']) {
      const fast = await fetch(`${base}/live/cam/${name}`);
      const general = await fetch(`${base}/live/cam/${name}`, { headers: { 'If-None-Match': '"nope"' } });
      expect([name, fast.status, general.status]).toEqual([name, 200, 200]);
      expect(stripped(fast)).toEqual(stripped(general));
      expect(Buffer.from(await fast.arrayBuffer())).toEqual(Buffer.from(await general.arrayBuffer()));
    }
    // Answered before the handler's promise settles: no await between request and answer.
    let ended = false;
    const res = {
      writeHead: () => res,
      end: () => {
        ended = true;
      },
    } as unknown as http.ServerResponse;
    const req = { url: `/live/cam/${epoch}-part-1-3-video.m4s`, method: 'GET', headers: {} } as http.IncomingMessage;
    const answered = handler(req, res);
    expect(ended).toBe(true);
    expect(await answered).toBe(true);
  });

  test('a segment is its parts back to back; a range may span parts', async () => {
    const { base, store } = await setup();
    live(store);
    const whole = Buffer.from(await (await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-seg-1-video.m4s`)).arrayBuffer());
    expect(whole.length).toBe(10_000);
    expect(whole[0]).toBe(0);
    expect(whole[9_999]).toBe(9);
    const res = await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-seg-1-video.m4s`, { headers: { Range: 'bytes=995-1004' } });
    expect(res.status).toBe(206);
    expect([...Buffer.from(await res.arrayBuffer())]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  test('init segments and TS segments', async () => {
    const { base, store } = await setup();
    live(store);
    const init = await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-init-0-video.mp4`);
    expect(init.status).toBe(200);
    expect(await init.text()).toBe('init-v-1-0');
    expect((await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-seg-0.ts`)).status).toBe(404);

    live(store, 2, { stream: 'live/old', format: 'ts' });
    const ts = await fetch(`${base}/live/old/${epochOf(store, 'live/old')}-seg-1.ts`);
    expect(ts.status).toBe(200);
    expect(ts.headers.get('content-type')).toBe('video/mp2t');
    expect((await ts.arrayBuffer()).byteLength).toBe(1000);
  });

  test('a preload-hinted part is held until it exists, then sent whole', async () => {
    const { base, store } = await setup();
    const pub = live(store, 2);
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(
      await (await fetch(`${base}/live/cam/video.m3u8`)).text(),
    );
    expect(hint?.[1]).toBe(`${epochOf(store, 'live/cam')}-part-2-0-video.m4s`);
    const pending = fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-part-2-0-video.m4s`);
    await until(() => store.waiting() === 1, 'the hinted request to wait');
    const items = pub.segment();
    feed(store, items[0] as HlsFeedItem);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.alloc(1000, 0));
  });
});

describe('blocking playlist reload', () => {
  test('200 concurrent blocked requests are all released by one part, with the same text', async () => {
    const { base, store } = await setup();
    const pub = live(store, 2);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 250 });
    const get = (): Promise<{ status: number; body: string; cache: string | undefined }> =>
      new Promise((resolve, reject) => {
        http
          .get(`${base}/live/cam/video.m3u8?_HLS_msn=2&_HLS_part=0`, { agent }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cache: res.headers['cache-control'] }));
          })
          .on('error', reject);
      });
    const pending = Array.from({ length: 200 }, get);
    await until(() => store.waiting() === 200, '200 waiting requests', 20_000);
    feed(store, pub.segment()[0] as HlsFeedItem);
    const answers = await Promise.all(pending);
    agent.destroy();
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers[0]?.body).toContain('part-2-0-video.m4s');
    // Identical for every viewer: a cache in front may keep it briefly.
    expect(answers[0]?.cache).toBe('public, max-age=2');
  });

  test('a request too far ahead is 400 at once', async () => {
    const { base, store } = await setup();
    live(store, 2);
    const res = await fetch(`${base}/live/cam/video.m3u8?_HLS_msn=9`);
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('bad_request');
  });

  test('a block that outlasts the timeout is 503 (§6.2.5.2)', async () => {
    const { base, store } = await setup({ blockingTimeoutMs: 50 });
    live(store, 2);
    const res = await fetch(`${base}/live/cam/video.m3u8?_HLS_msn=3`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  test('an existing part answers at once; directives are ignored after the end', async () => {
    const { base, store } = await setup();
    live(store, 2);
    expect((await fetch(`${base}/live/cam/video.m3u8?_HLS_msn=1&_HLS_part=3`)).status).toBe(200);
  });

  test('closing the handler and store answers waiting requests', async () => {
    const { base, store, handler } = await setup();
    live(store, 2);
    const pending = fetch(`${base}/live/cam/video.m3u8?_HLS_msn=2`);
    await until(() => store.waiting() === 1, 'the request to wait');
    handler.close();
    store.close();
    expect((await pending).status).toBe(503);
    expect((await fetch(`${base}/live/cam/video.m3u8`)).status).toBe(503);
  });
});

describe('CORS', () => {
  test('preflight: 204 with methods and headers; any origin by default', async () => {
    const { base } = await setup();
    const res = await fetch(`${base}/live/cam/video.m3u8`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://a.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toContain('Range');
  });

  test('a list of origins: only those get Access-Control-Allow-Origin, and Vary: Origin', async () => {
    const { base, store } = await setup({ cors: { origins: ['https://ok.example'] } });
    live(store);
    const ok = await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-seg-1-video.m4s`, { headers: { Origin: 'https://ok.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://ok.example');
    expect(ok.headers.get('vary')).toBe('Origin');
    const other = await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-seg-1-video.m4s`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-seg-1-video.m4s`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example' },
    });
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('authorization and viewer sessions', () => {
  const tokenCheck = (seen: AuthRequest[]): Authorizer => (req) => {
    seen.push(req);
    return req.query.token === 'good' ? { allow: true } : { allow: false, reason: 'bad token' };
  };

  test('a denied viewer gets 403 with the reason', async () => {
    const seen: AuthRequest[] = [];
    const { base, store } = await setup({ authorize: tokenCheck(seen) });
    live(store);
    const res = await fetch(`${base}/live/cam/index.m3u8?token=nope`);
    expect(res.status).toBe(403);
    expect((await json(res)).error).toEqual({ code: 'forbidden', message: 'bad token' });
    expect((await fetch(`${base}/live/cam/video.m3u8`)).status).toBe(403);
    expect(seen[0]).toMatchObject({
      action: 'play',
      protocol: 'hls',
      app: 'live',
      name: 'cam',
      query: { token: 'nope' },
      ip: '127.0.0.1',
      tls: false,
      sessionId: 0,
    });
    expect(seen[0]?.tcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/live\/cam\/index\.m3u8\?token=nope$/);
  });

  test('once per session: the token is carried to child URLs, the session is counted', async () => {
    const seen: AuthRequest[] = [];
    const { base, store, handler } = await setup({ authorize: tokenCheck(seen) });
    live(store);
    const master = await (await fetch(`${base}/live/cam/index.m3u8?token=good`)).text();
    expect(master).toMatch(/video\.m3u8\?token=good&session=/);
    const session = sessionOf(master);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.viewerSession).toBe(session);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${base}/live/cam/video.m3u8?token=good&session=${session}`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/part-\d+-\d+-video\.m4s\?token=good"/);
      expect(text).not.toContain(session);
    }
    expect(seen).toHaveLength(1);
    expect(handler.viewers('live/cam')).toBe(1);
    // A one-shot request of the master is not a viewer; a second player is a second session.
    const second = sessionOf(await (await fetch(`${base}/live/cam/index.m3u8?token=good`)).text());
    expect(handler.viewers('live/cam')).toBe(1);
    await (await fetch(`${base}/live/cam/video.m3u8?token=good&session=${second}`)).text();
    expect(handler.viewers('live/cam')).toBe(2);
    expect(handler.viewers('live/other')).toBe(0);
    // Segments are not authorized (they carry no session, so caches share them).
    expect((await fetch(`${base}/live/cam/${epochOf(store, 'live/cam')}-seg-1-video.m4s`)).status).toBe(200);
  });

  test("a session is bound to its stream; hls.js's CMCD sid counts as the session id", async () => {
    const seen: AuthRequest[] = [];
    const { base, store, handler } = await setup({ authorize: tokenCheck(seen) });
    live(store);
    live(store, 3, { stream: 'live/two' });
    const sid = '6e2fb550-c457-11e9-bb97-0800200c9a66';
    const cmcd = encodeURIComponent(`sid="${sid}"`);
    const master = await (await fetch(`${base}/live/cam/index.m3u8?token=good&CMCD=${cmcd}`)).text();
    expect(sessionOf(master)).toBe(sid);
    expect((await fetch(`${base}/live/cam/video.m3u8?CMCD=${cmcd}`)).status).toBe(200);
    expect(seen).toHaveLength(1);
    // The CMCD header mode works too, and the parameters players add are not shown to the authorizer.
    expect((await fetch(`${base}/live/cam/audio.m3u8`, { headers: { 'CMCD-Session': `sid="${sid}"` } })).status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.query).toEqual({ token: 'good' });
    // The same id on another stream is asked again.
    expect((await fetch(`${base}/live/two/video.m3u8?session=${sid}`)).status).toBe(403);
    expect(handler.viewers('live/cam')).toBe(1);
  });

  test('signed URLs work as for RTMP: the signature on the master covers the viewer, media playlists too', async () => {
    const secret = 'shh';
    const { base, store } = await setup({ authorize: signedUrlAuthorizer({ secret }) });
    live(store);
    const signed = signStreamUrl('live/cam', { secret, expiresAt: Math.floor(Date.now() / 1000) + 600, action: 'play' });
    const query = signed.slice(signed.indexOf('?'));
    expect((await fetch(`${base}/live/cam/index.m3u8`)).status).toBe(403);
    expect((await fetch(`${base}/live/other/index.m3u8${query}`)).status).toBe(403);
    const master = await fetch(`${base}/live/cam/index.m3u8${query}`);
    expect(master.status).toBe(200);
    const uri = /^(video\.m3u8\?[^\s]+)$/m.exec(await master.text())?.[1] as string;
    expect(uri).toContain('sig=');
    // With the session (no second check) and without it (checked again, with the carried signature).
    expect((await fetch(`${base}/live/cam/${uri}`)).status).toBe(200);
    expect((await fetch(`${base}/live/cam/video.m3u8${query}`)).status).toBe(200);
  });

  test('an authorizer that throws follows onError; one that hangs follows onTimeout', async () => {
    const { base, store } = await setup({
      authorize: (req) => {
        if (req.query.mode === 'throw') throw new Error('boom');
        return new Promise(() => undefined);
      },
      auth: { timeoutMs: 50, onTimeout: 'allow', onError: 'deny' },
    });
    live(store);
    const thrown = await fetch(`${base}/live/cam/index.m3u8?mode=throw`);
    expect(thrown.status).toBe(403);
    expect((await json(thrown)).error.message).toBe('authorization failed');
    expect((await fetch(`${base}/live/cam/index.m3u8?mode=hang`)).status).toBe(200);
  });
});
