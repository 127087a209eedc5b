/**
 * The HLS/DASH URL layout (see /work/HLS-CONTRACT.md, shared with the
 * playlist writers), parsed from a request path. Everything lives under
 * `/<app>/<name>/`:
 *
 *   index.m3u8                      master (multivariant) playlist
 *   video.m3u8, audio.m3u8          media playlists
 *   init-<initId>-<track>.mp4       fMP4 init segment of one track
 *   seg-<msn>-<track>.m4s           fMP4 media segment
 *   part-<msn>-<part>-<track>.m4s   LL-HLS partial segment
 *   seg-<msn>.ts                    MPEG-TS segment (both tracks muxed)
 *   index.mpd                       DASH manifest
 *
 * Pure: a path in, a route (or undefined: not ours) out.
 */
import type { HlsTrackKind } from './hls/feed';

export type HlsRoute =
  | { kind: 'master' }
  | { kind: 'media'; track: HlsTrackKind }
  | { kind: 'mpd' }
  | { kind: 'init'; initId: number; track: HlsTrackKind }
  | { kind: 'segment'; msn: number; track: HlsTrackKind }
  | { kind: 'part'; msn: number; part: number; track: HlsTrackKind }
  | { kind: 'ts'; msn: number };

export interface HlsTarget {
  /** "app/name", as the store keys streams. */
  stream: string;
  app: string;
  name: string;
  route: HlsRoute;
}

/** Up to 15 digits: every sequence number fits, nothing past 2^53. */
const N = '(0|[1-9][0-9]{0,14})';
const TRACK = '(video|audio)';
const FILES: Array<[RegExp, (m: string[]) => HlsRoute]> = [
  [/^index\.m3u8$/, () => ({ kind: 'master' })],
  [new RegExp(`^${TRACK}\\.m3u8$`), (m) => ({ kind: 'media', track: m[1] as HlsTrackKind })],
  [/^index\.mpd$/, () => ({ kind: 'mpd' })],
  [
    new RegExp(`^init-${N}-${TRACK}\\.mp4$`),
    (m) => ({ kind: 'init', initId: Number(m[1]), track: m[2] as HlsTrackKind }),
  ],
  [new RegExp(`^seg-${N}-${TRACK}\\.m4s$`), (m) => ({ kind: 'segment', msn: Number(m[1]), track: m[2] as HlsTrackKind })],
  [
    new RegExp(`^part-${N}-${N}-${TRACK}\\.m4s$`),
    (m) => ({ kind: 'part', msn: Number(m[1]), part: Number(m[2]), track: m[3] as HlsTrackKind }),
  ],
  [new RegExp(`^seg-${N}\\.ts$`), (m) => ({ kind: 'ts', msn: Number(m[1]) })],
];

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
  const file = parts[3] as string;
  for (const [pattern, build] of FILES) {
    const m = pattern.exec(file);
    if (m) return { stream: `${app}/${name}`, app, name, route: build(m) };
  }
  return undefined;
}
