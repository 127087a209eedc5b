#!/usr/bin/env node
/**
 * Takes docs/img/player.png: the watch page playing a live stream, in Debian's
 * chromium (playwright-core, headless, no browser download); with --dashboard,
 * docs/img/dashboard.png: the dashboard at "/" with the stream selected, its
 * graphs filled for a while and an RTMP player beside the browser's own HLS.
 *
 *   npm run build:ts && node scripts/screenshot.js [--out docs/img/player.png] [--source engine|ffmpeg]
 *     [--viewport 1280x600] [--scheme dark|light] [--path /]
 *   node scripts/screenshot.js --dashboard [--out docs/img/dashboard.png] [--viewport 1280x900]
 *     [--scheme dark|light] [--wait-s 25]
 *
 * --source engine (default): starts the server from dist/ (RTMP + HTTP on free
 *   loopback ports, HLS on), publishes a 1280x720 test pattern with ffmpeg to
 *   rtmp://127.0.0.1:<port>/live/demo, opens http://127.0.0.1:<port>/live/demo.
 * --source ffmpeg: no engine; ffmpeg's own dash muxer makes the HLS/DASH files
 *   and a tiny server serves them beside the page handler (for checking the
 *   page's look while the engine's HLS is not built).
 * Everything is time-boxed; the script stops what it started.
 */
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dashboard = args.includes('--dashboard');
const out = path.resolve(opt('out', path.join(root, 'docs', 'img', dashboard ? 'dashboard.png' : 'player.png')));
const source = dashboard ? 'engine' : opt('source', 'engine');
const [vw, vh] = opt('viewport', dashboard ? '1280x900' : '1280x600').split('x').map(Number);
const STREAM = 'live/demo';
const children = [];
const cleanups = [];

function ffmpeg(argv) {
  const child = spawn('ffmpeg', ['-v', 'error', ...argv], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

// A moving test pattern with a clock and a tone, 1280x720 at 30 fps, 1 s GOP.
const SOURCE_ARGS = [
  '-re',
  '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
  '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
  '-t', '120',
  '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-b:v', '2500k',
  '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k',
];

async function startEngine() {
  const { createServer } = require(path.join(root, 'dist', 'lib'));
  const server = createServer({
    rtmp: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    hls: {},
    logLevel: 'warn',
  });
  const listening = await server.listen();
  cleanups.push(() => server.close({ graceMs: 0 }));
  const rtmpPort = listening.rtmp?.port ?? listening.rtmp ?? listening.port;
  const httpPort = listening.http?.port ?? listening.http ?? listening.httpPort;
  if (!httpPort) throw new Error(`listen() reported no HTTP port: ${JSON.stringify(listening)}`);
  ffmpeg([...SOURCE_ARGS, '-f', 'flv', `rtmp://127.0.0.1:${rtmpPort}/${STREAM}`]);
  // The dashboard shows sessions and viewers by protocol: an RTMP player besides the page's HLS.
  if (dashboard) setTimeout(() => ffmpeg(['-i', `rtmp://127.0.0.1:${rtmpPort}/${STREAM}`, '-f', 'null', '-']), 2000);
  return `http://127.0.0.1:${httpPort}`;
}

async function startFfmpegOnly() {
  const { createPageHandler } = require(path.join(root, 'dist', 'lib', 'http', 'page'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmp-engine-shot-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  ffmpeg([
    ...SOURCE_ARGS,
    '-f', 'dash', '-seg_duration', '1', '-use_template', '1', '-use_timeline', '0', '-window_size', '10',
    '-adaptation_sets', 'id=0,streams=v id=1,streams=a', '-hls_playlist', '1', '-hls_master_name', 'index.m3u8',
    path.join(dir, 'index.mpd'),
  ]);
  const page = createPageHandler({
    listStreams: () => [{ path: STREAM, video: { codec: 'avc1.64001f', width: 1280, height: 720, frameRate: 30 } }],
  });
  const types = { '.m3u8': 'application/vnd.apple.mpegurl', '.mpd': 'application/dash+xml', '.m4s': 'video/iso.segment' };
  const server = http.createServer((req, res) => {
    const m = /^\/live\/demo\/([A-Za-z0-9_.-]+)(\?.*)?$/.exec(req.url || '');
    if (m) {
      fs.readFile(path.join(dir, m[1]), (err, body) => {
        res.writeHead(err ? 404 : 200, { 'content-type': types[path.extname(m[1])] || 'application/octet-stream' });
        res.end(err ? undefined : body);
      });
      return;
    }
    page(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  return `http://127.0.0.1:${server.address().port}`;
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  const base = source === 'ffmpeg' ? await startFfmpegOnly() : await startEngine();
  // The stream is listed once its first segment exists.
  await waitFor('the stream in /api/streams.json', async () => {
    const r = await fetch(`${base}/api/streams.json`).catch(() => null);
    return !!r && r.ok && (await r.json()).streams.some((s) => s.path === STREAM);
  }, 20_000);

  const browser = await chromium.launch({
    executablePath: process.env.RTMP_ENGINE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 15_000,
    args: ['--autoplay-policy=no-user-gesture-required', '--mute-audio'],
  });
  cleanups.unshift(() => browser.close());
  const context = await browser.newContext({ viewport: { width: vw, height: vh }, colorScheme: opt('scheme', 'dark') });
  const page = await context.newPage();
  if (dashboard) return shootDashboard(base, page);
  const target = opt('path', `/${STREAM}`);
  await page.goto(`${base}${target}`);
  if (target !== `/${STREAM}`) {
    // Another page (the list at /): just let it render.
    await page.waitForTimeout(1000);
    await page.screenshot({ path: out });
    console.log(JSON.stringify({ out: path.relative(process.cwd(), out) }));
    return;
  }
  // Polled with evaluate: waitForFunction uses eval() in the page, which its CSP refuses.
  await waitFor('playback', () => page.evaluate("document.querySelector('video').currentTime > 1"), 20_000);
  // Let the latency settle and the stats fill in; shoot while it plays (a
  // loaded machine can stall the decoder for a moment).
  await page.waitForTimeout(6000);
  await waitFor('the playing state', () => page.evaluate("document.querySelector('[data-stat=state]').textContent === 'playing'"), 15_000);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  const stats = await page.evaluate(
    "Object.fromEntries([...document.querySelectorAll('[data-stat]')].map((e) => [e.dataset.stat, e.textContent]))",
  );
  console.log(JSON.stringify({ out: path.relative(process.cwd(), out), stats }));
}

/** The dashboard once its thumbnail, video and graphs are there (the graphs for --wait-s seconds). */
async function shootDashboard(base, page) {
  await page.goto(`${base}/`);
  const card = `li.stream[data-path="${STREAM}"]`;
  await waitFor('the thumbnail', () => page.evaluate(`!!document.querySelector('${card} .thumb img') && document.querySelector('${card} .thumb img').naturalWidth > 0`), 20_000);
  await waitFor('playback', () => page.evaluate("document.getElementById('video').currentTime > 1"), 20_000);
  const waitS = Number(opt('wait-s', '25'));
  await waitFor(`${waitS} points on the graph`, () => page.evaluate(`Number(document.getElementById('chart-bitrate').dataset.points) >= ${waitS}`), (waitS + 20) * 1000);
  await waitFor('the playing state', () => page.evaluate("document.getElementById('overlay').hidden"), 15_000);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  const stats = await page.evaluate(
    "Object.fromEntries([...document.querySelectorAll('[data-stat]')].map((e) => [e.dataset.stat, e.textContent]))",
  );
  console.log(JSON.stringify({ out: path.relative(process.cwd(), out), stats }));
}

async function cleanup() {
  for (const child of children) child.kill('SIGKILL');
  for (const fn of cleanups) await Promise.resolve(fn()).catch(() => {});
}

const overall = setTimeout(() => {
  console.error('screenshot: gave up after 90 s');
  cleanup().then(() => process.exit(1));
}, 90_000);

main().then(
  () => cleanup().then(() => { clearTimeout(overall); process.exit(0); }),
  (err) => {
    console.error(`screenshot: ${err.stack || err}`);
    cleanup().then(() => { clearTimeout(overall); process.exit(1); });
  },
);
