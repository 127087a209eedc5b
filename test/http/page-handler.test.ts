/**
 * createPageHandler over plain node:http: routing (ours / not ours), escaping
 * of stream names, the JSON list, static files with ETag and cache headers.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { gunzipSync } from 'zlib';

import { createPageHandler, escapeHtml } from '../../lib/http/page';
import type { PageHandlerOptions, StreamSummary } from '../../lib/http/page';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

let streams: StreamSummary[] = [];
const servers: http.Server[] = [];

/** A server whose fallback answers 599, so a test sees when the page said "not ours". */
async function serve(options: Partial<PageHandlerOptions> = {}): Promise<(path: string, init?: http.RequestOptions) => Promise<Reply>> {
  const handler = createPageHandler({ listStreams: () => streams, ...options });
  const server = http.createServer((req, res) => {
    handler(req, res).then(
      (handled) => {
        if (!handled) {
          res.writeHead(599);
          res.end('not ours');
        }
      },
      (err) => {
        res.writeHead(500);
        res.end(String(err));
      },
    );
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return (path, init = {}) =>
    new Promise<Reply>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, ...init }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString() });
        });
      });
      req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end();
    });
}

afterEach(async () => {
  streams = [];
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const EVIL = 'live/<img src=x onerror=alert(1)>"\'&';

describe('routing', () => {
  test('/ lists the live streams, sorted, linking to their player pages', async () => {
    streams = [
      { path: 'live/zeta', video: { codec: 'avc1.64001f', width: 1280, height: 720, frameRate: 30 } },
      { path: 'live/alpha', audio: { codec: 'mp4a.40.2', sampleRate: 44100, channels: 2 } },
    ];
    const get = await serve();
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.text.indexOf('live/alpha')).toBeLessThan(r.text.indexOf('live/zeta'));
    expect(r.text).toContain('href="/live/zeta"');
    expect(r.text).toContain('1280×720 · avc1.64001f · 30 fps');
    expect(r.text).toContain('mp4a.40.2 · 44.1 kHz · 2 ch');
    expect(r.text).toMatch(/id="empty"[^>]* hidden/);
  });

  test('/ with no stream shows the empty state', async () => {
    const get = await serve();
    const r = await get('/');
    expect(r.text).toMatch(/id="streams"[^>]* hidden/);
    expect(r.text).toContain('No live streams.');
    expect(r.text).toContain('ffmpeg -re -i input.mp4 -c copy -f flv rtmp://HOST:1935/live/NAME');
  });

  test('listStreams may be async', async () => {
    const get = await serve({ listStreams: async () => [{ path: 'app/async' }] });
    expect((await get('/api/streams.json')).text).toContain('app/async');
  });

  test('/api/streams.json answers the list, not cached', async () => {
    streams = [{ path: 'live/b' }, { path: 'live/a', startedAtMs: 1700000000000 }];
    const get = await serve();
    const r = await get('/api/streams.json');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(r.text)).toEqual({ streams: [{ path: 'live/a', startedAtMs: 1700000000000 }, { path: 'live/b' }] });
  });

  test('/<app>/<name> is the hls.js player; ?player=dash and ?dash=1 the dash.js one', async () => {
    const get = await serve();
    const hls = await get('/live/cam?token=abc');
    expect(hls.status).toBe(200);
    expect(hls.text).toContain('data-stream="live/cam"');
    expect(hls.text).toContain('data-player="hls"');
    expect(hls.text).toMatch(/<script src="\/static\/hls\.min\.js\?v=[0-9a-f]{16}"><\/script>/);
    expect(hls.text).not.toContain('dash.all.min.js');
    for (const q of ['?player=dash', '?dash=1&token=abc']) {
      const dash = await get(`/live/cam${q}`);
      expect(dash.text).toContain('data-player="dash"');
      expect(dash.text).toMatch(/<script src="\/static\/dash\.all\.min\.js\?v=[0-9a-f]{16}"><\/script>/);
    }
  });

  test('percent-encoded names are decoded for display and kept encoded for URLs', async () => {
    const get = await serve();
    const r = await get('/live/my%20cam%C3%A9');
    expect(r.status).toBe(200);
    expect(r.text).toContain('<title>live/my camé · rtmp-engine</title>');
    expect(r.text).toContain('data-stream="live/my%20cam%C3%A9"');
  });

  test.each([
    ['an HLS playlist', '/live/cam/index.m3u8'],
    ['a segment', '/live/cam/k1-seg-3-video.m4s'],
    ['one segment', '/live'],
    ['an empty name', '/live/'],
    ['an encoded slash', '/live/a%2Fb'],
    ['a control character', '/live/a%0Ab'],
    ['a malformed escape', '/live/%E0%A4%A'],
    ['an unknown static file', '/static/nope.js'],
    ['a static path escape', '/static/..%2Fpackage.json'],
  ])('%s is not ours', async (_what, path) => {
    const get = await serve();
    const r = await get(path);
    expect(r.status).toBe(599);
  });

  test('methods other than GET and HEAD are not ours', async () => {
    const get = await serve();
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      expect((await get('/', { method })).status).toBe(599);
      expect((await get('/live/cam', { method })).status).toBe(599);
    }
  });

  test('HEAD answers the headers of GET without a body', async () => {
    const get = await serve();
    const r = await get('/live/cam', { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(Number(r.headers['content-length'])).toBeGreaterThan(100);
    expect(r.body.length).toBe(0);
  });

  test('a basePath mounts everything below it and leaves the rest alone', async () => {
    streams = [{ path: 'live/cam' }];
    const get = await serve({ basePath: '/watch/' });
    expect((await get('/watch')).status).toBe(200);
    const list = await get('/watch/');
    expect(list.text).toContain('href="/watch/live/cam"');
    expect(list.text).toContain('data-base="/watch"');
    expect(list.text).toMatch(/href="\/watch\/static\/page\.css\?v=/);
    expect((await get('/watch/live/cam')).status).toBe(200);
    expect((await get('/watch/static/hls.min.js')).status).toBe(200);
    expect((await get('/watch/api/streams.json')).status).toBe(200);
    expect((await get('/')).status).toBe(599);
    expect((await get('/live/cam')).status).toBe(599);
    expect((await get('/watchers/x')).status).toBe(599);
  });

  test('mediaBase goes to the page and to the CSP', async () => {
    const get = await serve({ mediaBase: 'https://cdn.example.com/hls/' });
    const r = await get('/live/cam');
    expect(r.text).toContain('data-media-base="https://cdn.example.com/hls"');
    expect(r.headers['content-security-policy']).toContain('connect-src \'self\' https://cdn.example.com');
  });

  test('bad options are refused with a readable message', () => {
    expect(() => createPageHandler({} as PageHandlerOptions)).toThrow('listStreams must be a function');
    expect(() => createPageHandler({ listStreams: () => [], basePath: 'watch' })).toThrow(/basePath must be/);
    expect(() => createPageHandler({ listStreams: () => [], mediaBase: 'ftp://x' })).toThrow(/mediaBase must be/);
  });
});

describe('escaping (stream names are user input)', () => {
  test('escapeHtml covers the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  test('a hostile name on the list page is text, never markup', async () => {
    streams = [{ path: EVIL, video: { codec: '<b>avc1</b>' } }];
    const get = await serve();
    const r = await get('/');
    expect(r.text).not.toContain('<img src');
    expect(r.text).not.toContain('<b>avc1');
    expect(r.text).toContain('live/&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    // The link is percent-encoded, then HTML-escaped.
    expect(r.text).toContain(`href="/live/${escapeHtml(encodeURIComponent('<img src=x onerror=alert(1)>"\'&'))}"`);
  });

  test('a hostile name on the player page is text, never markup', async () => {
    const get = await serve();
    const r = await get(`/live/${encodeURIComponent('<script>alert(1)<script>"\'')}`);
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('<script>alert');
    expect(r.text).toContain('&lt;script&gt;alert(1)&lt;script&gt;&quot;&#39;');
    // Only the three external scripts (hls.js, the catch-up, the page's): no inline script anywhere.
    expect(r.text.match(/<script/g)).toHaveLength(3);
    expect(r.text).not.toMatch(/<script>/);
  });

  test('the JSON list carries names as data', async () => {
    streams = [{ path: EVIL }];
    const get = await serve();
    expect(JSON.parse((await get('/api/streams.json')).text).streams[0].path).toBe(EVIL);
  });
});

describe('static files', () => {
  test.each([
    ['hls.min.js', 'text/javascript; charset=utf-8', 'Hls'],
    ['dash.all.min.js', 'text/javascript; charset=utf-8', 'dashjs'],
    ['page.css', 'text/css; charset=utf-8', '--bg'],
    ['dashboard.js', 'text/javascript; charset=utf-8', 'streams.json'],
    ['dash-cards.js', 'text/javascript; charset=utf-8', 'thumbnail.jpg'],
    ['dashboard.css', 'text/css; charset=utf-8', '--chart-1'],
    ['uPlot.iife.min.js', 'text/javascript; charset=utf-8', 'uPlot'],
    ['uPlot.min.css', 'text/css; charset=utf-8', '.uplot'],
    ['player.js', 'text/javascript; charset=utf-8', 'lowLatencyMode'],
  ])('/static/%s', async (name, type, marker) => {
    const get = await serve();
    const r = await get(`/static/${name}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(type);
    expect(r.headers.etag).toMatch(/^"[0-9a-f]{16}"$/);
    // The dashboard's modules import each other without ?v=: always revalidated.
    expect(r.headers['cache-control']).toBe(name === 'dashboard.js' || name.startsWith('dash-') ? 'no-cache' : 'public, max-age=3600');
    expect(r.text).toContain(marker);
  });

  test('the versioned URL the page uses is cached for a year, immutable', async () => {
    const get = await serve();
    const page = await get('/live/cam');
    const src = /src="(\/static\/hls\.min\.js\?v=[0-9a-f]+)"/.exec(page.text)?.[1] as string;
    const r = await get(src);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers.etag).toBe(`"${src.split('v=')[1]}"`);
    // A stale version is served, with the short lifetime.
    expect((await get('/static/hls.min.js?v=0000000000000000')).headers['cache-control']).toBe('public, max-age=3600');
  });

  test('If-None-Match answers 304 without a body', async () => {
    const get = await serve();
    const first = await get('/static/player.js');
    const etag = first.headers.etag as string;
    const again = await get('/static/player.js', { headers: { 'if-none-match': `"other", W/${etag}` } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect((await get('/static/player.js', { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  test('gzip when accepted, with its own ETag and Vary', async () => {
    const get = await serve();
    const plain = await get('/static/dash.all.min.js');
    const gz = await get('/static/dash.all.min.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gz.headers.etag).toBe(`${(plain.headers.etag as string).slice(0, -1)}-gz"`);
    expect(gz.body.length).toBeLessThan(plain.body.length / 2);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
  });
});

test('a stream whose publisher is gone is marked offline on the list', async () => {
  streams = [{ path: 'live/away', live: false }, { path: 'live/here' }];
  const get = await serve();
  const r = await get('/');
  expect(r.text).toMatch(/<li class="stream offline" data-path="live\/away">.*?<a class="stream-link" href="\/live\/away"/);
  expect(r.text).toMatch(/<li class="stream" data-path="live\/here">.*?<a class="stream-link" href="\/live\/here"/);
});
