/**
 * The CLI cannot mount handlers in another HTTP server, as an app can: with
 * `http: false` the admin API, /metrics and the HLS/DASH window have no way
 * out. A section the config file (or the flags) set explicitly but nothing
 * will serve is named in one warning at start, so a setting is never accepted
 * silently with nothing listening for it.
 */
import type { ServerOptions } from '../options';

function isOn(value: unknown): boolean {
  if (value === undefined || value === false) return false;
  if (value !== null && typeof value === 'object') return (value as { enabled?: unknown }).enabled !== false;
  return true;
}

/** Sections set in `options` that only the built-in HTTP server could serve, when it is off. */
export function unservedSections(options: ServerOptions): string[] {
  if (options.http !== false) return [];
  const out: string[] = [];
  if (isOn(options.admin)) out.push('admin');
  if (isOn(options.metrics)) out.push('metrics');
  // With hls.folder the segments go to disk: that is a way out.
  const hls = options.hls;
  if (isOn(hls) && !(typeof hls === 'object' && hls !== null && typeof hls.folder === 'string' && hls.folder !== '')) {
    out.push('hls');
  }
  return out;
}
