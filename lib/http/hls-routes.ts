/**
 * The HLS/DASH URL layout (see /work/HLS-CONTRACT.md, shared with the
 * playlist writers), parsed from a request path. Everything lives under
 * `/<app>/<name>/`:
 *
 *   index.m3u8                      master (multivariant) playlist
 *   video.m3u8, audio.m3u8          media playlists
 *   <epoch>-init-<initId>-<track>.mp4       fMP4 init segment of one track
 *   <epoch>-seg-<msn>-<track>.m4s           fMP4 media segment
 *   <epoch>-part-<msn>-<part>-<track>.m4s   LL-HLS partial segment
 *   <epoch>-seg-<msn>.ts                    MPEG-TS segment (both tracks muxed)
 *   index.mpd                       DASH manifest
 *
 * Pure: a path in, a route (or undefined: not ours) out. The file names are
 * the playlist writers' own (lib/http/hls/names.ts), so both sides agree.
 */
import type { HlsTrackKind } from './hls/feed';
import { parseHlsName } from './hls/names';

export type HlsRoute =
  | { kind: 'master' }
  | { kind: 'media'; track: HlsTrackKind }
  | { kind: 'mpd' }
  | { kind: 'init'; epoch: string; initId: number; track: HlsTrackKind }
  | { kind: 'segment'; epoch: string; msn: number; track: HlsTrackKind }
  | { kind: 'part'; epoch: string; msn: number; part: number; track: HlsTrackKind }
  | { kind: 'ts'; epoch: string; msn: number };

export interface HlsTarget {
  /** "app/name", as the store keys streams. */
  stream: string;
  app: string;
  name: string;
  route: HlsRoute;
}

function decodeSegment(s: string): string | undefined {
  try {
    const d = decodeURIComponent(s);
    // A decoded "/" or NUL would make a different stream key than the one published.
    return d === '' || d.includes('/') || d.includes('\0') ? undefined : d;
  } catch {
    return undefined;
  }
}

/** The route of a path like "/live/cam/index.m3u8" (no query), or undefined. */
export function parseHlsPath(pathname: string): HlsTarget | undefined {
  const parts = pathname.split('/');
  if (parts.length !== 4 || parts[0] !== '') return undefined;
  const app = decodeSegment(parts[1] as string);
  const name = decodeSegment(parts[2] as string);
  if (app === undefined || name === undefined) return undefined;
  const resource = parseHlsName(parts[3] as string);
  if (!resource) return undefined;
  const route: HlsRoute = resource.kind === 'playlist' ? { kind: 'media', track: resource.track } : resource;
  return { stream: `${app}/${name}`, app, name, route };
}
