/**
 * The TypeScript half of the chain in Debian's chromium, fed by ffmpeg instead
 * of the engine's segmenter (helpers/ffmpeg-feed.ts): HlsStore → playlists,
 * MPD → createHlsHandler, beside createPageHandler listing the store's
 * streams, on plain node:http. The page at "/" lists the stream, hls.js plays
 * the LL-HLS playlists (parts, blocking reloads), dash.js plays the MPD.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { Browser } from 'playwright-core';

import { renderMpd } from '../../lib/http/dash/mpd';
import { createHlsHandler, type HlsHandler } from '../../lib/http/hls-handler';
import { renderMasterPlaylist } from '../../lib/http/hls/master-playlist';
import { renderMediaPlaylist } from '../../lib/http/hls/media-playlist';
import { HlsStore } from '../../lib/http/hls/store';
import { createPageHandler, listHlsStreams } from '../../lib/http/page';
import { launchBrowser, openPage, type OpenedPage, waitForExpression, waitForPlayback } from './helpers/browser';
import { type FfmpegFeed, startFfmpegFeed } from './helpers/ffmpeg-feed';

let browser: Browser;
let store: HlsStore;
let hls: HlsHandler;
let feed: FfmpegFeed;
let server: http.Server;
let base: string;
const opened: OpenedPage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  store = new HlsStore({ segmentDuration: 2, partDuration: 0.2 });
  hls = createHlsHandler({
    store,
    render: {
      master: (view, o) => renderMasterPlaylist(view, o),
      media: (view, track, o) => renderMediaPlaylist(view, track, o),
      mpd: (view, o) => renderMpd(view, o) ?? '',
    },
  });
  const page = createPageHandler({ listStreams: () => listHlsStreams(store) });
  server = http.createServer(async (req, res) => {
    if ((await hls(req, res)) || (await page(req, res))) return;
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  feed = startFfmpegFeed('live/cam', (item) => store.ingest(item));
  // Two whole segments (4 s): enough for hls.js's and dash.js's start positions.
  const deadline = Date.now() + 15_000;
  while ((store.get('live/cam')?.segments.length ?? 0) < 2) {
    if (Date.now() > deadline) throw new Error('the ffmpeg feed made no segments within 15 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}, 30_000);

afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.context.close()));
});

afterAll(async () => {
  feed?.stop();
  await browser?.close();
  hls?.close();
  store?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

async function open(path: string): Promise<OpenedPage> {
  const o = await openPage(browser, `${base}${path}`);
  opened.push(o);
  return o;
}

test('the list shows the store\'s stream; hls.js plays it over LL-HLS', async () => {
  const o = await open('/');
  const link = o.page.locator('a.stream-link', { hasText: 'live/cam' });
  await link.waitFor({ state: 'visible' });
  await link.click();
  const { first, last } = await waitForPlayback(o, { advance: 1 });
  expect(last.currentTime).toBeGreaterThan(first.currentTime);
  expect(last.videoWidth).toBe(feed.width);
  expect(last.videoHeight).toBe(feed.height);
  expect(last.stats.mode).toBe('hls.js · LL-HLS');
  await waitForExpression(o.page, `/^\\d+\\.\\d\\d s$/.test(document.querySelector('[data-stat="latency"]').textContent)`);
}, 20_000);

test('dash.js plays the MPD', async () => {
  const o = await open('/live/cam?player=dash');
  const { first, last } = await waitForPlayback(o, { advance: 1 });
  expect(last.currentTime).toBeGreaterThan(first.currentTime);
  expect(last.videoWidth).toBe(feed.width);
  expect(last.stats.mode).toBe('dash.js');
}, 20_000);
