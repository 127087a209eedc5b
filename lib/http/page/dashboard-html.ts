/**
 * The dashboard at `/`, rendered on the server as a skeleton plus the live
 * streams the page handler knows (so the first paint already lists them, and
 * a server without the admin API still has a working list); the modules in
 * public/dashboard.js then fill it from the admin API and its WebSocket.
 * Every interpolated value is escaped; the scripts read their inputs from
 * data-* attributes (the page runs under a CSP without 'unsafe-inline').
 */
import { describeAudio, describeVideo, escapeHtml, head, header, type PageContext, playerHref } from './html';
import type { StreamSummary } from './types';

/** The ffmpeg line of the empty state; the script puts in the real host and RTMP port. */
export const PUBLISH_HINT = 'ffmpeg -re -i input.mp4 -c copy -f flv rtmp://HOST:1935/live/NAME';

/** One card: the same markup public/dash-cards.js builds for streams that appear later. */
function streamCard(ctx: PageContext, s: StreamSummary): string {
  const field = (name: string, text: string) =>
    `<span class="stream-meta" data-field="${name}">${escapeHtml(text)}</span>`;
  return [
    `<li class="stream${s.live === false ? ' offline' : ''}" data-path="${escapeHtml(s.path)}">`,
    '<div class="thumb"><img alt="" hidden><span class="badge">LIVE</span></div>',
    '<div class="card-body">',
    `<a class="stream-link" href="${escapeHtml(playerHref(ctx, s.path))}">${escapeHtml(s.path)}</a>`,
    field('video', describeVideo(s) || 'no video'),
    field('audio', describeAudio(s) || 'no audio'),
    '<div class="card-stats"><span data-field="bitrate"></span><span data-field="viewers"></span></div>',
    '</div>',
    '</li>',
  ].join('');
}

function tile(key: string, label: string): string {
  return `<div class="tile"><span class="tile-label">${label}</span><span class="tile-value" data-total="${key}">–</span></div>`;
}

function stat(key: string, label: string): string {
  return `<div class="stat"><dt>${label}</dt><dd data-stat="${key}">–</dd></div>`;
}

export function renderDashboardPage(ctx: PageContext, streams: StreamSummary[]): string {
  const cards = streams.map((s) => streamCard(ctx, s)).join('\n');
  return [
    head(ctx, ctx.title, ['uPlot.min.css', 'page.css', 'dashboard.css']),
    `<body class="dash-page" data-base="${escapeHtml(ctx.basePath)}" data-media-base="${escapeHtml(ctx.mediaBase)}"` +
      ` data-admin="${escapeHtml(ctx.adminBase)}">`,
    header(ctx).replace(
      '</header>',
      '<span id="server-meta" class="bar-meta"></span><span id="conn" class="conn" data-state="off"></span></header>',
    ),
    '<main class="dash">',
    `<section id="totals" class="totals" aria-label="Server totals" hidden>`,
    tile('streams', 'Streams'),
    tile('viewers', 'Viewers'),
    tile('in', 'Ingest'),
    tile('out', 'Egress'),
    tile('connections', 'Connections'),
    tile('uptime', 'Uptime'),
    '</section>',
    '<form id="token-form" class="notice token" hidden>',
    '<label for="token-input">This server needs its admin token to show the dashboard.</label>',
    '<div class="token-row"><input id="token-input" type="password" autocomplete="current-password"' +
      ' placeholder="admin token" required><button type="submit">Open</button></div>',
    '<p id="token-error" class="error" hidden></p>',
    '</form>',
    '<p id="notice" class="notice" hidden></p>',
    '<div class="layout single">',
    '<section class="streams-panel" aria-labelledby="streams-title">',
    '<h1 id="streams-title">Live streams <span id="stream-count" class="count"></span></h1>',
    `<ul id="streams" class="streams cards"${streams.length ? '' : ' hidden'}>${cards}</ul>`,
    `<div id="empty" class="empty"${streams.length ? ' hidden' : ''}>`,
    '<p class="empty-title">No live streams.</p>',
    '<p>Publish with:</p>',
    `<code id="publish-hint">${escapeHtml(PUBLISH_HINT)}</code>`,
    '<p class="empty-more">OBS: Settings → Stream → Custom, server <code id="publish-server">rtmp://HOST:1935/live</code>, any stream key.</p>',
    '</div>',
    '</section>',
    '<section id="detail" class="detail" aria-live="polite" hidden>',
    '<div class="detail-head">',
    '<h2 id="detail-title"></h2>',
    '<span id="detail-health" class="health"></span>',
    '<a id="detail-open" class="open-player" href="#">Player page ↗</a>',
    '</div>',
    '<ul id="detail-notes" class="notes" hidden></ul>',
    '<div class="detail-main">',
    '<div class="video-box"><video id="video" controls muted autoplay playsinline></video>',
    '<div id="overlay" class="overlay">Select a stream</div></div>',
    '<dl class="stats">',
    stat('latency', 'Latency'),
    stat('mode', 'Player'),
    stat('video', 'Video'),
    stat('audio', 'Audio'),
    stat('fps', 'Frame rate'),
    stat('bitrate', 'Bitrate in / out'),
    stat('keyframes', 'Keyframes'),
    stat('publisher', 'Publisher'),
    stat('dropped', 'Dropped'),
    '</dl>',
    '</div>',
    '<div class="charts">',
    '<figure class="chart" id="chart-bitrate" data-points="0"><figcaption>Bitrate, last 5 minutes</figcaption>' +
      '<div class="chart-box"></div></figure>',
    '<figure class="chart" id="chart-viewers" data-points="0"><figcaption>Viewers, last 5 minutes</figcaption>' +
      '<div class="chart-box"></div></figure>',
    '</div>',
    '<div class="sessions">',
    '<h3>Sessions <span id="session-count" class="count"></span></h3>',
    '<div class="table-wrap"><table id="sessions"><thead><tr><th>Id</th><th>Role</th><th>Protocol</th>' +
      '<th>Address</th><th>Since</th><th>Traffic</th><th></th></tr></thead><tbody></tbody></table></div>',
    '</div>',
    '</section>',
    '</div>',
    '</main>',
    // hls.js and uPlot define globals; the dashboard is an ES module that uses them.
    `<script src="${escapeHtml(ctx.asset('hls.min.js'))}"></script>`,
    `<script src="${escapeHtml(ctx.asset('live-catch-up.js'))}"></script>`,
    `<script src="${escapeHtml(ctx.asset('uPlot.iife.min.js'))}"></script>`,
    `<script type="module" src="${escapeHtml(ctx.asset('dashboard.js'))}"></script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
