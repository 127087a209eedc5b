/**
 * The watch page in Debian's chromium against a live stream made by ffmpeg
 * itself (HLS + DASH over the same CMAF segments): the list at "/" shows the
 * stream, hls.js plays it, dash.js plays it, and the page's token travels to
 * the playlist URL. The same page against the engine's own HLS is
 * browser-hls.test.ts.
 */
import type { Browser } from 'playwright-core';

import { createPageHandler } from '../../lib/http/page';
import { launchBrowser, openPage, type OpenedPage, waitForExpression, waitForPlayback } from './helpers/browser';
import { serveStreams, startFfmpegLiveStream, type StaticStream, type TestHttpServer } from './helpers/static-stream';

let browser: Browser;
let stream: StaticStream;
let server: TestHttpServer;
const opened: OpenedPage[] = [];

beforeAll(async () => {
  [browser, stream] = await Promise.all([launchBrowser(), startFfmpegLiveStream({ width: 320, height: 240 })]);
  const page = createPageHandler({
    listStreams: () => [{ path: 'live/test', video: { codec: 'avc1.64000d', width: 320, height: 240 } }],
  });
  server = await serveStreams({ 'live/test': stream.dir }, page);
}, 30_000);

afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.context.close()));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  stream?.stop();
});

async function open(path: string): Promise<OpenedPage> {
  const o = await openPage(browser, `${server.url}${path}`);
  opened.push(o);
  return o;
}

test('the list at / shows the live stream and links to its player, where hls.js plays it', async () => {
  const o = await open('/');
  const link = o.page.locator('a.stream-link', { hasText: 'live/test' });
  await link.waitFor({ state: 'visible' });
  await link.click();
  await o.page.waitForURL(`${server.url}/live/test`);
  const { first, last } = await waitForPlayback(o, { advance: 1 });
  expect(last.currentTime).toBeGreaterThan(first.currentTime);
  expect(last.videoWidth).toBe(stream.width);
  expect(last.videoHeight).toBe(stream.height);
  expect(last.stats.mode).toMatch(/^hls\.js/);
  expect(last.stats.resolution).toBe(`${stream.width}×${stream.height}`);
  // ffmpeg writes EXT-X-PROGRAM-DATE-TIME, so the page can show a latency.
  await waitForExpression(o.page, `/^\\d+\\.\\d\\d s$/.test(document.querySelector('[data-stat="latency"]').textContent)`);
}, 20_000);

test('dash.js plays the MPD with ?player=dash', async () => {
  const o = await open('/live/test?player=dash');
  const { first, last } = await waitForPlayback(o, { advance: 1 });
  expect(last.currentTime).toBeGreaterThan(first.currentTime);
  expect(last.videoWidth).toBe(stream.width);
  expect(last.stats.mode).toBe('dash.js');
  expect(server.requests.some((r) => r.startsWith('/live/test/index.mpd'))).toBe(true);
}, 20_000);

test('a query on the page URL (a token) is passed on to the playlist URL, page-only parameters are not', async () => {
  const o = await open('/live/test?token=s%C3%A9cret&dash=0');
  await waitForPlayback(o, { advance: 0.2 });
  expect(server.requests).toContain('/live/test/index.m3u8?token=s%C3%A9cret');
  expect(await o.page.inputValue('#media-url')).toBe(`${server.url}/live/test/index.m3u8?token=s%C3%A9cret`);
  // The DASH toggle keeps the token.
  expect(await o.page.getAttribute('#use-dash', 'href')).toBe('/live/test?token=s%C3%A9cret&player=dash');
}, 20_000);
