/**
 * The page's static files: its own CSS/JS (lib/http/page/public/), the two
 * players (hls.js, dash.js) and the chart library (uPlot) from npm, served
 * from node_modules, never a CDN.
 *
 * Caching: the HTML names every asset as `/static/<file>?v=<hash>`. A request
 * whose `v` is the file's current hash gets a year and `immutable` (the URL
 * changes when the file does); any other request gets an hour, so an old
 * bookmark or a hand-typed URL still picks up an upgrade. Both carry a strong
 * ETag and answer If-None-Match with 304. Each file is read on first use and
 * kept in memory (about 1.6 MB for all of them); the gzip copy is made on the
 * first request that accepts it. The dashboard's modules import each other by
 * plain relative URLs (no `v`): those are answered `no-cache`, so a browser
 * revalidates them (304) and never mixes two versions after an upgrade.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';

export interface StaticAsset {
  body: Buffer;
  gzip: Buffer | undefined;
  contentType: string;
  /** First 16 hex digits of the SHA-256 of the body: the `v` in asset URLs. */
  hash: string;
}

/** The dashboard's own modules (lib/http/page/public/), entry point first. */
export const DASHBOARD_MODULES: readonly string[] = [
  'dashboard.js',
  'dash-api.js',
  'dash-cards.js',
  'dash-charts.js',
  'dash-format.js',
  'dash-live.js',
  'dash-player.js',
  'dash-sessions.js',
];

/** Public name under /static/ → how to find the file. */
const SOURCES: Record<string, { find: () => string; contentType: string }> = {
  'hls.min.js': { find: () => vendorFile('hls.js/dist/hls.min.js'), contentType: 'text/javascript; charset=utf-8' },
  // dashjs's package "exports" resolves its require entry to the UMD bundle
  // (dist/modern/umd/dash.all.min.js), the one that defines window.dashjs.
  'dash.all.min.js': { find: () => vendorFile('dashjs'), contentType: 'text/javascript; charset=utf-8' },
  // uPlot (the dashboard's charts): its browser bundle defines window.uPlot.
  'uPlot.iife.min.js': { find: () => vendorFile('uplot/dist/uPlot.iife.min.js'), contentType: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { find: () => vendorFile('uplot/dist/uPlot.min.css'), contentType: 'text/css; charset=utf-8' },
  'page.css': { find: () => ownFile('page.css'), contentType: 'text/css; charset=utf-8' },
  'dashboard.css': { find: () => ownFile('dashboard.css'), contentType: 'text/css; charset=utf-8' },
  'player.js': { find: () => ownFile('player.js'), contentType: 'text/javascript; charset=utf-8' },
  // LL-HLS catch-up with less than 1 s buffered, for the watch page and the dashboard's player.
  'live-catch-up.js': { find: () => ownFile('live-catch-up.js'), contentType: 'text/javascript; charset=utf-8' },
  // The dashboard: plain ES modules, imported by dashboard.js as ./<name>.
  ...Object.fromEntries(
    DASHBOARD_MODULES.map((name) => [name, { find: () => ownFile(name), contentType: 'text/javascript; charset=utf-8' }]),
  ),
};

export const ASSET_NAMES: readonly string[] = Object.keys(SOURCES);

const loaded = new Map<string, StaticAsset>();

/** The asset called `name`, loaded once per process; undefined if it is not one of ours. */
export function staticAsset(name: string): StaticAsset | undefined {
  const source = Object.prototype.hasOwnProperty.call(SOURCES, name) ? SOURCES[name] : undefined;
  if (!source) return undefined;
  let asset = loaded.get(name);
  if (!asset) {
    const body = fs.readFileSync(source.find());
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
    asset = { body, gzip: undefined, contentType: source.contentType, hash };
    loaded.set(name, asset);
  }
  return asset;
}

/** The gzip body of an asset (made once); compressing at level 6 takes tens of ms for 800 kB. */
export function gzipOf(asset: StaticAsset): Buffer {
  if (!asset.gzip) asset.gzip = gzipSync(asset.body);
  return asset.gzip;
}

function vendorFile(request: string): string {
  return require.resolve(request);
}

/**
 * The page's own files live in lib/http/page/public/. Running from the
 * TypeScript sources (ts-jest) that is beside this file; running the compiled
 * package (dist/lib/http/page/) it is the same path under the package root,
 * which tsc does not copy.
 */
function ownFile(name: string): string {
  const beside = path.join(__dirname, 'public', name);
  if (fs.existsSync(beside)) return beside;
  return path.join(__dirname, '..', '..', '..', '..', 'lib', 'http', 'page', 'public', name);
}
