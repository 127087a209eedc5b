/**
 * The whole chain in Debian's chromium: ffmpeg publishes over RTMP, the
 * engine segments (LL-HLS parts, CMAF), the built-in HTTP server serves the
 * playlists, the MPD and the page; the page at "/" lists the stream, hls.js
 * plays it at the published size, and dash.js plays the MPD.
 */
import type { Browser } from 'playwright-core';

import { createServer, type RtmpServer } from '../../lib';
import { launchBrowser, openPage, type OpenedPage, waitForExpression, waitForPlayback } from './helpers/browser';
import { publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';

const WIDTH = 640;
const HEIGHT = 360;

let browser: Browser;
let server: RtmpServer;
let base: string;
const opened: OpenedPage[] = [];

async function listed(path: string): Promise<boolean> {
  const r = await fetch(`${base}/api/streams.json`).catch(() => undefined);
  return !!r && r.ok && ((await r.json()) as { streams: Array<{ path: string }> }).streams.some((s) => s.path === path);
}

beforeAll(async () => {
  const clip = makeClip({ seconds: 6, size: `${WIDTH}x${HEIGHT}`, gop: 30 });
  browser = await launchBrowser();
  server = createServer({
    rtmp: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    hls: {},
    logLevel: 'silent',
  });
  const ports = await server.listen();
  base = `http://127.0.0.1:${ports.http}`;
  publish(clip.file, `rtmp://127.0.0.1:${ports.rtmp}/live/cam`, { loop: true, timeoutMs: 120_000 });
  // Listed once the stream has something to play (its first parts).
  const deadline = Date.now() + 15_000;
  while (!(await listed('live/cam'))) {
    if (Date.now() > deadline) throw new Error('live/cam was not listed within 15 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}, 40_000);

afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.context.close()));
});

afterAll(async () => {
  stopAll();
  await browser?.close();
  await server?.close({ graceMs: 0 });
});

async function open(path: string): Promise<OpenedPage> {
  const o = await openPage(browser, `${base}${path}`);
  opened.push(o);
  return o;
}

test('the dashboard at / lists the stream, linking to its player page, where hls.js plays it over LL-HLS', async () => {
  const o = await open('/');
  const link = o.page.locator('a.stream-link', { hasText: 'live/cam' });
  await link.waitFor({ state: 'visible' });
  // On the dashboard a plain click selects the stream there (browser-dashboard.test.ts); the link is the player page.
  expect(await link.getAttribute('href')).toBe('/live/cam');
  await o.page.goto(`${base}/live/cam`);
  const { first, last } = await waitForPlayback(o, { advance: 1 });
  expect(last.currentTime).toBeGreaterThan(first.currentTime);
  expect(last.videoWidth).toBe(WIDTH);
  expect(last.videoHeight).toBe(HEIGHT);
  expect(last.stats.mode).toBe('hls.js · LL-HLS');
  // EXT-X-PROGRAM-DATE-TIME on every segment: the page shows now − playing date.
  await waitForExpression(o.page, `/^\\d+\\.\\d\\d s$/.test(document.querySelector('[data-stat="latency"]').textContent)`);
}, 20_000);

test('dash.js plays the MPD with ?player=dash', async () => {
  const o = await open('/live/cam?player=dash');
  const { first, last } = await waitForPlayback(o, { advance: 1 });
  expect(last.currentTime).toBeGreaterThan(first.currentTime);
  expect(last.videoWidth).toBe(WIDTH);
  expect(last.stats.mode).toBe('dash.js');
}, 20_000);
