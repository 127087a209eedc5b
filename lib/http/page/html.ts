/**
 * The page's HTML, rendered on the server. Stream names are user input (a
 * publisher picks them), so every interpolated value goes through escapeHtml,
 * and the scripts read their inputs from data-* attributes (no inline script:
 * the pages run under a Content-Security-Policy without 'unsafe-inline').
 */
import type { StreamSummary } from './types';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** Paths and version hashes the templates need. */
export interface PageContext {
  title: string;
  /** Where the page is mounted ('' or '/watch'). */
  basePath: string;
  /** Prefix of the HLS/DASH URLs ('' = this server's root). */
  mediaBase: string;
  /** Where the admin API answers ('/api/v1'). */
  adminBase: string;
  /** /static/<name>?v=<hash> for an asset. */
  asset: (name: string) => string;
}

export function head(ctx: PageContext, title: string, styles: readonly string[] = ['page.css']): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(title)}</title>`,
    // No /favicon.ico request (it is not ours: it would reach the HLS handler).
    '<link rel="icon" href="data:,">',
    ...styles.map((name) => `<link rel="stylesheet" href="${escapeHtml(ctx.asset(name))}">`),
    '</head>',
  ].join('\n');
}

export function header(ctx: PageContext, crumb?: string): string {
  const home = `${ctx.basePath}/`;
  const crumbHtml = crumb ? ` <span class="crumb">/ ${escapeHtml(crumb)}</span>` : '';
  return `<header class="bar"><a class="brand" href="${escapeHtml(home)}">${escapeHtml(ctx.title)}</a>${crumbHtml}</header>`;
}

/** "1280×720 · avc1.64001f · 30 fps" for a stream's video, "" without video. */
export function describeVideo(s: StreamSummary): string {
  const v = s.video;
  if (!v) return '';
  const parts: string[] = [];
  if (v.width && v.height) parts.push(`${v.width}×${v.height}`);
  parts.push(v.codec);
  if (v.frameRate) parts.push(`${Math.round(v.frameRate * 100) / 100} fps`);
  return parts.join(' · ');
}

/** "mp4a.40.2 · 44.1 kHz · 2 ch" for a stream's audio, "" without audio. */
export function describeAudio(s: StreamSummary): string {
  const a = s.audio;
  if (!a) return '';
  const parts: string[] = [a.codec];
  if (a.sampleRate) parts.push(`${a.sampleRate / 1000} kHz`);
  if (a.channels) parts.push(`${a.channels} ch`);
  return parts.join(' · ');
}

/** The page URL of a stream: each path segment percent-encoded. */
export function playerHref(ctx: PageContext, streamPath: string): string {
  return `${ctx.basePath}/${streamPath.split('/').map(encodeURIComponent).join('/')}`;
}

/** `/<app>/<name>`: the player (hls.js by default, dash.js with ?player=dash or ?dash=1). */
export function renderPlayerPage(ctx: PageContext, streamPath: string, player: 'hls' | 'dash'): string {
  const encoded = streamPath.split('/').map(encodeURIComponent).join('/');
  const stat = (key: string, label: string) =>
    `<div class="stat"><dt>${label}</dt><dd data-stat="${key}">–</dd></div>`;
  return [
    head(ctx, `${streamPath} · ${ctx.title}`),
    `<body class="player-page" data-base="${escapeHtml(ctx.basePath)}" data-media-base="${escapeHtml(ctx.mediaBase)}"` +
      ` data-stream="${escapeHtml(encoded)}" data-player="${player}">`,
    header(ctx, streamPath),
    '<main>',
    '<div class="player">',
    `<div class="video-box"><video id="video" controls muted autoplay playsinline aria-label="${escapeHtml(streamPath)}"></video>`,
    '<div id="overlay" class="overlay">Connecting…</div></div>',
    '<aside class="side">',
    '<nav class="toggle" aria-label="Player">',
    `<a id="use-hls" href="#"${player === 'hls' ? ' aria-current="true"' : ''}>HLS</a>`,
    `<a id="use-dash" href="#"${player === 'dash' ? ' aria-current="true"' : ''}>DASH</a>`,
    '</nav>',
    '<dl class="stats">',
    stat('mode', 'Player'),
    stat('state', 'State'),
    stat('latency', 'Latency'),
    stat('resolution', 'Resolution'),
    stat('buffer', 'Buffer'),
    stat('dropped', 'Dropped frames'),
    stat('rate', 'Playback rate'),
    '</dl>',
    '<div class="urls"><label>Stream URL<input id="media-url" readonly></label></div>',
    '</aside>',
    '</div>',
    '</main>',
    `<script src="${escapeHtml(ctx.asset(player === 'dash' ? 'dash.all.min.js' : 'hls.min.js'))}"></script>`,
    ...(player === 'dash' ? [] : [`<script src="${escapeHtml(ctx.asset('live-catch-up.js'))}"></script>`]),
    `<script src="${escapeHtml(ctx.asset('player.js'))}"></script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
