/**
 * The dashboard at "/" in Debian's chromium against the engine with real
 * ffmpeg peers: the empty state names the real RTMP address; with a live
 * publisher the stream is a card with a thumbnail that loads, the bitrate
 * graph gains points, the video plays with a latency shown; kick ends an
 * ffmpeg RTMP player (its row goes, its process ends); with an admin token
 * configured the page asks for it once and keeps it for the tab.
 */
import type { Browser } from 'playwright-core';

import { createServer, type RtmpServer } from '../../lib';
import { launchBrowser, openPage, type OpenedPage, waitForExpression } from './helpers/browser';
import { publish, run, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';

const WIDTH = 640;
const HEIGHT = 360;
const TOKEN = 'dashboard-token-0123456789';

let browser: Browser;
let server: RtmpServer;
let base: string;
let rtmpPort = 0;
let publishing = false;
const opened: OpenedPage[] = [];
const servers: RtmpServer[] = [];

async function startServer(options: Record<string, unknown> = {}): Promise<{ server: RtmpServer; http: number; rtmp: number }> {
  const s = createServer({
    rtmp: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    hls: {},
    logLevel: 'silent',
    ...options,
  });
  servers.push(s);
  const ports = await s.listen();
  return { server: s, http: ports.http as number, rtmp: ports.rtmp };
}

beforeAll(async () => {
  const started = await Promise.all([launchBrowser(), startServer()]);
  browser = started[0];
  server = started[1].server;
  rtmpPort = started[1].rtmp;
  base = `http://127.0.0.1:${started[1].http}`;
}, 30_000);

afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.context.close()));
});

afterAll(async () => {
  stopAll();
  await browser?.close();
  await Promise.all(servers.map((s) => s.close({ graceMs: 0 })));
});

async function open(url: string, viewport?: { width: number; height: number }): Promise<OpenedPage> {
  const o = await openPage(browser, url, viewport);
  opened.push(o);
  return o;
}

/** Starts the looping ffmpeg publisher once and waits until the engine has the stream. */
async function ensurePublishing(): Promise<void> {
  if (publishing) return;
  publishing = true;
  const clip = makeClip({ seconds: 4, size: `${WIDTH}x${HEIGHT}`, gop: 30 });
  publish(clip.file, `rtmp://127.0.0.1:${rtmpPort}/live/cam`, { loop: true, timeoutMs: 120_000 });
  const deadline = Date.now() + 15_000;
  while (!server.streams().some((s) => s.path === 'live/cam' && s.codec.video !== null)) {
    if (Date.now() > deadline) throw new Error('live/cam was not published within 15 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The promise's value, or `fallback` after ms (the timer is cleared either way). */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

const CARD = 'li.stream[data-path="live/cam"]';

test('with no stream, the empty state gives the ffmpeg command with the real host and RTMP port', async () => {
  const o = await open(`${base}/`);
  await waitForExpression(o.page, `window.rtmpEngineDashboard.mode === 'admin'`);
  const hint = o.page.locator('#publish-hint');
  await hint.waitFor({ state: 'visible' });
  await waitForExpression(o.page, `document.getElementById('publish-hint').textContent.includes(':${rtmpPort}/')`);
  expect(await hint.textContent()).toBe(`ffmpeg -re -i input.mp4 -c copy -f flv rtmp://127.0.0.1:${rtmpPort}/live/NAME`);
  expect(await o.page.textContent('#empty')).toContain('No live streams.');
  expect(await o.page.isHidden('#detail')).toBe(true);
}, 20_000);

test('a live stream: a card with a thumbnail, a bitrate graph that gains points, the video plays', async () => {
  await ensurePublishing();
  const o = await open(`${base}/`);
  const card = o.page.locator(CARD);
  await card.waitFor({ state: 'visible' });
  // The thumbnail comes from /api/v1/streams/live/cam/thumbnail.jpg (320 wide) and decodes.
  await waitForExpression(o.page, `document.querySelector('${CARD} .thumb img').naturalWidth > 0`, 15_000);
  expect(await o.page.evaluate(`document.querySelector('${CARD} .thumb img').naturalWidth`)).toBe(320);
  await waitForExpression(o.page, `document.querySelector('${CARD} [data-field=video]').textContent.includes('H.264')`);
  expect(await card.locator('[data-field=video]').textContent()).toContain(`${WIDTH}×${HEIGHT}`);

  // The only stream is selected: its graph gains a point per live stats message.
  expect(await o.page.evaluate(`window.rtmpEngineDashboard.selected`)).toBe('live/cam');
  const points = () => o.page.evaluate(`Number(document.getElementById('chart-bitrate').dataset.points)`) as Promise<number>;
  await waitForExpression(o.page, `Number(document.getElementById('chart-bitrate').dataset.points) > 0`);
  const before = await points();
  await waitForExpression(o.page, `Number(document.getElementById('chart-bitrate').dataset.points) >= ${before + 2}`, 10_000);
  expect(await o.page.locator('#chart-bitrate canvas').count()).toBe(1);

  // The player plays the stream over LL-HLS and shows its latency.
  await waitForExpression(o.page, `document.getElementById('video').currentTime > 0`, 15_000);
  const t0 = (await o.page.evaluate(`document.getElementById('video').currentTime`)) as number;
  await waitForExpression(o.page, `document.getElementById('video').currentTime > ${t0 + 1}`, 10_000);
  await waitForExpression(o.page, `/^\\d+\\.\\d\\d s$/.test(document.querySelector('[data-stat=latency]').textContent)`);
  expect(await o.page.textContent('[data-stat=mode]')).toBe('hls.js · LL-HLS');
  expect(o.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
}, 45_000);

test('a second stream: a click on its card selects it (player, graphs, URL), a reload keeps the choice', async () => {
  await ensurePublishing();
  publish(makeClip({ seconds: 4 }).file, `rtmp://127.0.0.1:${rtmpPort}/live/two`, { loop: true, timeoutMs: 120_000 });
  const o = await open(`${base}/`);
  const two = o.page.locator('li.stream[data-path="live/two"]');
  await two.waitFor({ state: 'visible', timeout: 15_000 });
  // Sorted by path: live/cam is first, so it is the one selected at first.
  expect(await o.page.evaluate(`window.rtmpEngineDashboard.selected`)).toBe('live/cam');
  await two.locator('.thumb').click();
  expect(await o.page.evaluate(`window.rtmpEngineDashboard.selected`)).toBe('live/two');
  expect(await o.page.evaluate(`location.hash`)).toBe('#live/two');
  expect(await o.page.textContent('#detail-title')).toBe('live/two');
  expect(await two.getAttribute('aria-pressed')).toBe('true');
  await waitForExpression(o.page, `document.getElementById('video').videoWidth === 320`, 20_000);
  await waitForExpression(o.page, `document.querySelector('[data-stat=video]').textContent.startsWith('320×240')`);
  await o.page.reload();
  await waitForExpression(o.page, `window.rtmpEngineDashboard.selected === 'live/two'`);
}, 45_000);

test('kick: an ffmpeg RTMP player is listed, kicked from the page, gone from the list, its process ended', async () => {
  await ensurePublishing();
  const player = run('ffmpeg', ['-v', 'error', '-i', `rtmp://127.0.0.1:${rtmpPort}/live/cam`, '-f', 'null', '-'], 60_000);
  let id = 0;
  const deadline = Date.now() + 15_000;
  while (!id) {
    if (Date.now() > deadline) throw new Error('the ffmpeg player did not show up within 15 s');
    id = server.sessions().find((s) => s.role === 'player' && s.path === 'live/cam')?.id ?? 0;
    await new Promise((r) => setTimeout(r, 100));
  }
  const o = await open(`${base}/`);
  const row = o.page.locator(`#sessions tr[data-session="${id}"]`);
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  expect(await row.textContent()).toContain('RTMP');
  const kick = row.locator('button.kick');
  await kick.click();
  expect(await kick.textContent()).toBe('Sure?');
  await kick.click();
  await row.waitFor({ state: 'detached', timeout: 10_000 });
  expect(await within(player.exited.then(() => true), 10_000, false)).toBe(true);
  expect(server.sessions().some((s) => s.id === id)).toBe(false);
}, 45_000);

test('with an admin token configured, the page asks for it once and keeps it for the tab', async () => {
  const guarded = await startServer({ admin: { tokens: [TOKEN] } });
  const o = await open(`http://127.0.0.1:${guarded.http}/`, { width: 375, height: 800 });
  await o.page.locator('#token-form').waitFor({ state: 'visible' });
  await o.page.fill('#token-input', 'not-the-token-0123456789');
  await o.page.click('#token-form button');
  await o.page.locator('#token-error').waitFor({ state: 'visible' });
  expect(await o.page.textContent('#token-error')).toContain('refused');
  await o.page.fill('#token-input', TOKEN);
  await o.page.click('#token-form button');
  await waitForExpression(o.page, `window.rtmpEngineDashboard.mode === 'admin'`);
  await o.page.locator('#totals').waitFor({ state: 'visible' });
  // A reload (same tab) goes straight to the dashboard, live stats included.
  await o.page.reload();
  await waitForExpression(o.page, `window.rtmpEngineDashboard.mode === 'admin'`);
  expect(await o.page.isHidden('#token-form')).toBe(true);
  await waitForExpression(o.page, `document.getElementById('conn').dataset.state === 'live'`);
  expect(await o.page.evaluate(`sessionStorage.getItem('rtmp-engine.adminToken')`)).toBe(TOKEN);
}, 30_000);

test('under viewer auth the player plays with a playback grant the admin API hands the page', async () => {
  const guarded = createServer({
    rtmp: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    hls: {},
    logLevel: 'silent',
  });
  servers.push(guarded);
  // Viewers need a token this page does not have; publishing is open.
  guarded.authorize((req) =>
    req.action === 'play' && req.query.token !== 'viewer-secret' ? { allow: false, reason: 'no viewer token' } : { allow: true },
  );
  const ports = await guarded.listen();
  const httpBase = `http://127.0.0.1:${ports.http as number}`;
  publish(makeClip({ seconds: 4, size: '320x240', gop: 30 }).file, `rtmp://127.0.0.1:${ports.rtmp}/live/cam`, {
    loop: true,
    timeoutMs: 120_000,
  });
  // Viewer auth is on: the plain playlist is refused.
  const deadline = Date.now() + 20_000;
  let status = 0;
  while (status !== 403) {
    if (Date.now() > deadline) throw new Error(`the plain playlist answered ${status}, not 403, for 20 s`);
    await new Promise((r) => setTimeout(r, 200));
    status = (await fetch(`${httpBase}/live/cam/index.m3u8`, { signal: AbortSignal.timeout(10_000) })).status;
  }
  const o = await open(`${httpBase}/`);
  await waitForExpression(o.page, `window.rtmpEngineDashboard.selected === 'live/cam'`, 15_000);
  await waitForExpression(o.page, `document.getElementById('video').currentTime > 0`, 20_000);
  const url = (await o.page.evaluate(`window.rtmpEngineDashboard.playbackUrl`)) as string;
  expect(url).toMatch(/\/live\/cam\/index\.m3u8\?play_grant=\d+\.[A-Za-z0-9_-]{43}$/);
  // The grant is for live/cam only.
  expect((await fetch(`${httpBase}/live/other/index.m3u8?${url.split('?')[1]}`)).status).not.toBe(200);
  expect(o.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
}, 60_000);
