/**
 * The resource names under /<app>/<name>/ (HLS-CONTRACT.md, URL layout), both
 * ways: the writers build them with `hlsNames`, the handler reads a request's
 * last path segment with `parseHlsName`. Only canonical names parse (no
 * leading zeros, no sign), so one resource has one URL and one cache entry.
 *
 *   index.m3u8                 master playlist
 *   video.m3u8, audio.m3u8     media playlists (TS: the one muxed playlist)
 *   index.mpd                  DASH manifest
 *   <epoch>-init-<initId>-<track>.mp4      fMP4 init segment
 *   <epoch>-seg-<msn>-<track>.m4s          fMP4 segment
 *   <epoch>-part-<msn>-<part>-<track>.m4s  LL-HLS part
 *   <epoch>-seg-<msn>.ts                   TS segment
 *
 * Media names are served `immutable` for a year, but the store numbers a
 * stream from 0 each time it first sees it (e.g. after a server restart):
 * `<epoch>` (the view's epoch, base36, different for every instance of a
 * stream) keeps a new instance's seg-0 from ever sharing a URL, and so a
 * cache entry, with an old one's.
 */
import type { HlsTrackKind } from './feed';
import type { HlsStreamView } from './view';

export const hlsNames = {
  master: 'index.m3u8',
  mpd: 'index.mpd',
  playlist: (track: HlsTrackKind): string => `${track}.m3u8`,
  init: (epoch: string, initId: number, track: HlsTrackKind): string => `${epoch}-init-${initId}-${track}.mp4`,
  segment: (epoch: string, msn: number, track: HlsTrackKind): string => `${epoch}-seg-${msn}-${track}.m4s`,
  /** The DASH SegmentTemplate of a track's segments ($Number$ is the msn). */
  segmentTemplate: (epoch: string, track: HlsTrackKind): string => `${epoch}-seg-$Number$-${track}.m4s`,
  part: (epoch: string, msn: number, part: number, track: HlsTrackKind): string =>
    `${epoch}-part-${msn}-${part}-${track}.m4s`,
  tsSegment: (epoch: string, msn: number): string => `${epoch}-seg-${msn}.ts`,
} as const;

export type HlsResource =
  | { kind: 'master' }
  | { kind: 'mpd' }
  | { kind: 'playlist'; track: HlsTrackKind }
  | { kind: 'init'; epoch: string; track: HlsTrackKind; initId: number }
  | { kind: 'segment'; epoch: string; track: HlsTrackKind; msn: number }
  | { kind: 'part'; epoch: string; track: HlsTrackKind; msn: number; part: number }
  | { kind: 'ts'; epoch: string; msn: number };

const kNumber = '(0|[1-9][0-9]{0,14})';
const kTrack = '(video|audio)';
/** A store epoch: base36, no leading zero (see HlsStore). */
const kEpoch = '([1-9a-z][0-9a-z]{0,11})';
const kPatterns: ReadonlyArray<[RegExp, (m: RegExpExecArray) => HlsResource]> = [
  [/^index\.m3u8$/, () => ({ kind: 'master' })],
  [/^index\.mpd$/, () => ({ kind: 'mpd' })],
  [new RegExp(`^${kTrack}\\.m3u8$`), (m) => ({ kind: 'playlist', track: m[1] as HlsTrackKind })],
  [
    new RegExp(`^${kEpoch}-init-${kNumber}-${kTrack}\\.mp4$`),
    (m) => ({ kind: 'init', epoch: m[1] as string, initId: Number(m[2]), track: m[3] as HlsTrackKind }),
  ],
  [
    new RegExp(`^${kEpoch}-seg-${kNumber}-${kTrack}\\.m4s$`),
    (m) => ({ kind: 'segment', epoch: m[1] as string, msn: Number(m[2]), track: m[3] as HlsTrackKind }),
  ],
  [
    new RegExp(`^${kEpoch}-part-${kNumber}-${kNumber}-${kTrack}\\.m4s$`),
    (m) => ({
      kind: 'part',
      epoch: m[1] as string,
      msn: Number(m[2]),
      part: Number(m[3]),
      track: m[4] as HlsTrackKind,
    }),
  ],
  [new RegExp(`^${kEpoch}-seg-${kNumber}\\.ts$`), (m) => ({ kind: 'ts', epoch: m[1] as string, msn: Number(m[2]) })],
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
