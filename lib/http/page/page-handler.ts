/**
 * createPageHandler: the watch page as a plain (req, res) handler.
 *
 * Routes (under basePath, GET and HEAD only; anything else resolves false so
 * the next handler, e.g. HLS, or Express's next() gets it):
 *   /                    the dashboard (dashboard-html.ts): live streams, the
 *                        selected one's player, graphs and sessions, from the
 *                        admin API; without it, the list of live streams
 *   /api/streams.json    the list as JSON (what the dashboard polls without the admin API)
 *   /static/<file>       the page's CSS/JS, hls.min.js, dash.all.min.js, uPlot
 *   /<app>/<name>        the player; ?player=dash (or ?dash=1) uses dash.js
 * Every other query parameter of the player URL (a token) is passed on to the
 * playlist/MPD URL by the page script. HLS URLs have three or more segments
 * (/<app>/<name>/index.m3u8), so they never match the player route; an app
 * called "static" or "api" is shadowed on the page only.
 */
import type { IncomingMessage, ServerResponse } from 'http';

import { ErrorCodes, RtmpEngineError } from '../../errors';
import { renderDashboardPage } from './dashboard-html';
import { type PageContext, renderPlayerPage } from './html';
import { DASHBOARD_MODULES, gzipOf, type StaticAsset, staticAsset } from './static-assets';
import type { PageHandler, PageHandlerOptions, StreamSummary } from './types';

const YEAR_S = 365 * 24 * 3600;
const HOUR_S = 3600;

export function createPageHandler(options: PageHandlerOptions): PageHandler {
  if (!options || typeof options.listStreams !== 'function') {
    throw new RtmpEngineError(ErrorCodes.INVALID_OPTIONS, 'createPageHandler: listStreams must be a function');
  }
  const basePath = normalizeBasePath(options.basePath ?? '');
  const mediaBase = normalizeMediaBase(options.mediaBase ?? '');
  const ctx: PageContext = {
    title: options.title ?? 'rtmp-engine',
    basePath,
    mediaBase,
    adminBase: normalizeBasePath(options.adminBase ?? '/api/v1', 'adminBase'),
    asset: (name) => `${basePath}/static/${name}?v=${staticAsset(name)?.hash ?? ''}`,
  };
  const csp = contentSecurityPolicy(mediaBase);

  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = parseUrl(req.url);
    if (!url) return false;
    let rest = url.pathname;
    if (basePath) {
      if (rest === basePath) rest = '/';
      else if (rest.startsWith(`${basePath}/`)) rest = rest.slice(basePath.length);
      else return false;
    }

    if (rest === '/') {
      const streams = await listSorted(options);
      sendHtml(req, res, renderDashboardPage(ctx, streams), csp);
      return true;
    }
    if (rest === '/api/streams.json') {
      const streams = await listSorted(options);
      sendBody(req, res, 200, Buffer.from(JSON.stringify({ streams })), {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      });
      return true;
    }
    if (rest.startsWith('/static/')) {
      const asset = staticAsset(rest.slice('/static/'.length));
      if (!asset) return false;
      const name = rest.slice('/static/'.length);
      sendAsset(req, res, asset, url.searchParams.get('v') === asset.hash ? 'versioned' : DASHBOARD_MODULES.includes(name) ? 'module' : 'plain');
      return true;
    }
    const stream = streamFromPath(rest);
    if (!stream) return false;
    const q = url.searchParams;
    const player = q.get('player') === 'dash' || q.get('dash') === '1' ? 'dash' : 'hls';
    sendHtml(req, res, renderPlayerPage(ctx, stream, player), csp);
    return true;
  };
}

async function listSorted(options: PageHandlerOptions): Promise<StreamSummary[]> {
  const streams = await options.listStreams();
  return [...streams].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function parseUrl(raw: string | undefined): URL | undefined {
  try {
    return new URL(raw ?? '/', 'http://page.invalid');
  } catch {
    return undefined;
  }
}

/** "/app/name" → "app/name" (segments percent-decoded); anything else → undefined. */
export function streamFromPath(pathname: string): string | undefined {
  const segments = pathname.split('/');
  if (segments.length !== 3 || segments[0] !== '') return undefined;
  const decoded: string[] = [];
  for (const seg of segments.slice(1)) {
    let text: string;
    try {
      text = decodeURIComponent(seg);
    } catch {
      return undefined;
    }
    // A decoded "/" would make a different path than the stream's; control
    // characters are never part of a name a publisher can use.
    if (text === '' || text.includes('/') || /[\u0000-\u001f\u007f]/.test(text)) return undefined;
    decoded.push(text);
  }
  return decoded.join('/');
}

function normalizeBasePath(base: string, name = 'basePath'): string {
  if (typeof base !== 'string' || (base !== '' && !base.startsWith('/')) || /[?#\s]/.test(base)) {
    throw new RtmpEngineError(
      ErrorCodes.INVALID_OPTIONS,
      `createPageHandler: ${name} must be '' or a path starting with '/', got ${JSON.stringify(base)}`,
    );
  }
  return base.replace(/\/+$/, '');
}

function normalizeMediaBase(base: string): string {
  if (typeof base !== 'string' || /[?#\s]/.test(base) || !(base === '' || base.startsWith('/') || /^https?:\/\//.test(base))) {
    throw new RtmpEngineError(
      ErrorCodes.INVALID_OPTIONS,
      `createPageHandler: mediaBase must be '', a path or an http(s) URL, got ${JSON.stringify(base)}`,
    );
  }
  return base.replace(/\/+$/, '');
}

/**
 * No inline script or style anywhere. hls.js runs its transmuxer in a worker
 * made from a blob: URL, and both players feed the video through MediaSource
 * (a blob: media URL). A mediaBase on another origin is allowed for fetches.
 */
function contentSecurityPolicy(mediaBase: string): string {
  const media = /^https?:\/\//.test(mediaBase) ? ` ${new URL(mediaBase).origin}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // blob: the dashboard's thumbnails, fetched with the admin token and shown from memory.
    "img-src 'self' data: blob:",
    `media-src 'self' blob:${media}`,
    `connect-src 'self'${media}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function sendHtml(req: IncomingMessage, res: ServerResponse, html: string, csp: string): void {
  sendBody(req, res, 200, Buffer.from(html), {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-cache',
    'content-security-policy': csp,
    // The page URL may carry a viewer's token: keep it off other sites.
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
  });
}

function sendAsset(
  req: IncomingMessage,
  res: ServerResponse,
  asset: StaticAsset,
  /** versioned: `?v=` is the current hash; module: a dashboard module imported by its plain URL. */
  kind: 'versioned' | 'module' | 'plain',
): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const etag = `"${asset.hash}${gzip ? '-gz' : ''}"`;
  const headers: Record<string, string> = {
    'content-type': asset.contentType,
    'cache-control':
      kind === 'versioned' ? `public, max-age=${YEAR_S}, immutable` : kind === 'module' ? 'no-cache' : `public, max-age=${HOUR_S}`,
    etag,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
  };
  if (ifNoneMatch(req, etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  if (gzip) headers['content-encoding'] = 'gzip';
  sendBody(req, res, 200, gzip ? gzipOf(asset) : asset.body, headers);
}

/** RFC 9110 §13.1.2: weak comparison, a list of tags or "*". */
function ifNoneMatch(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: Buffer,
  headers: Record<string, string>,
): void {
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
