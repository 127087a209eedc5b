/**
 * The resource names under /<app>/<name>/ (HLS-CONTRACT.md, URL layout), both
 * ways: the writers build them with `hlsNames`, the handler reads a request's
 * last path segment with `parseHlsName`. Only canonical names parse (no
 * leading zeros, no sign), so one resource has one URL and one cache entry.
 *
 *   index.m3u8                 master playlist
 *   video.m3u8, audio.m3u8     media playlists (TS: the one muxed playlist)
 *   index.mpd                  DASH manifest
 *   init-<initId>-<track>.mp4  fMP4 init segment
 *   seg-<msn>-<track>.m4s      fMP4 segment
 *   part-<msn>-<part>-<track>.m4s  LL-HLS part
 *   seg-<msn>.ts               TS segment
 */
import type { HlsTrackKind } from './feed';
import type { HlsStreamView } from './view';

export const hlsNames = {
  master: 'index.m3u8',
  mpd: 'index.mpd',
  playlist: (track: HlsTrackKind): string => `${track}.m3u8`,
  init: (initId: number, track: HlsTrackKind): string => `init-${initId}-${track}.mp4`,
  segment: (msn: number, track: HlsTrackKind): string => `seg-${msn}-${track}.m4s`,
  part: (msn: number, part: number, track: HlsTrackKind): string => `part-${msn}-${part}-${track}.m4s`,
  tsSegment: (msn: number): string => `seg-${msn}.ts`,
} as const;

export type HlsResource =
  | { kind: 'master' }
  | { kind: 'mpd' }
  | { kind: 'playlist'; track: HlsTrackKind }
  | { kind: 'init'; track: HlsTrackKind; initId: number }
  | { kind: 'segment'; track: HlsTrackKind; msn: number }
  | { kind: 'part'; track: HlsTrackKind; msn: number; part: number }
  | { kind: 'ts'; msn: number };

const kNumber = '(0|[1-9][0-9]{0,14})';
const kTrack = '(video|audio)';
const kPatterns: ReadonlyArray<[RegExp, (m: RegExpExecArray) => HlsResource]> = [
  [/^index\.m3u8$/, () => ({ kind: 'master' })],
  [/^index\.mpd$/, () => ({ kind: 'mpd' })],
  [new RegExp(`^${kTrack}\\.m3u8$`), (m) => ({ kind: 'playlist', track: m[1] as HlsTrackKind })],
  [
    new RegExp(`^init-${kNumber}-${kTrack}\\.mp4$`),
    (m) => ({ kind: 'init', initId: Number(m[1]), track: m[2] as HlsTrackKind }),
  ],
  [
    new RegExp(`^seg-${kNumber}-${kTrack}\\.m4s$`),
    (m) => ({ kind: 'segment', msn: Number(m[1]), track: m[2] as HlsTrackKind }),
  ],
  [
    new RegExp(`^part-${kNumber}-${kNumber}-${kTrack}\\.m4s$`),
    (m) => ({ kind: 'part', msn: Number(m[1]), part: Number(m[2]), track: m[3] as HlsTrackKind }),
  ],
  [new RegExp(`^seg-${kNumber}\\.ts$`), (m) => ({ kind: 'ts', msn: Number(m[1]) })],
];

/** What a file name under a stream's folder names, or undefined (404). */
export function parseHlsName(name: string): HlsResource | undefined {
  for (const [re, make] of kPatterns) {
    const m = re.exec(name);
    if (m) return make(m);
  }
  return undefined;
}

/** The media playlists a stream has now: one per track (fMP4), or the one muxed playlist (TS). */
export function playlistTracks(view: HlsStreamView): HlsTrackKind[] {
  const kinds = view.tracks.map((t) => t.kind);
  return view.format === 'ts' ? kinds.slice(0, 1) : kinds;
}
