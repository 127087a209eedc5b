/**
 * The media playlists written to disk: classic HLS (RFC 8216bis §4.4), one
 * segment per EXTINF, no parts. A plain HTTP origin (nginx, a bucket) serves
 * them as static files; LL-HLS parts are left out because they only help a
 * player that can block on `_HLS_msn`/`_HLS_part` (§6.2.5.2) and fetch a
 * preload hint before the part exists, which a static origin cannot answer.
 *
 * Three shapes:
 *   live    sliding window, MEDIA-SEQUENCE and DISCONTINUITY-SEQUENCE move;
 *           EXT-X-ENDLIST once the stream ended.
 *   event   (folderVod while recording) EXT-X-PLAYLIST-TYPE:EVENT: segments
 *           are only appended (§4.4.3.5).
 *   vod     (folderVod after the end) EXT-X-PLAYLIST-TYPE:VOD, every
 *           segment, EXT-X-ENDLIST: the playlist never changes again.
 * A pure function of its input (no clock), like the HTTP playlists.
 */
import type { HlsTrackKind } from '../http/hls/feed';
import { hlsNames } from '../http/hls/names';
import { isoDate, seconds } from '../http/hls/text';

export interface FolderSegment {
  msn: number;
  /** The store's init number (EXT-X-MAP), fmp4. */
  initId: number;
  /** Milliseconds. */
  duration: number;
  /** Unix ms of the first sample (EXT-X-PROGRAM-DATE-TIME). */
  programDateTime: number;
  discontinuity: boolean;
  /**
   * Tracks with no file on disk for this segment (lost in the feed, dropped
   * for a slow disk, or a failed write): listed with EXT-X-GAP (§4.4.4.7) in
   * that track's playlist, so numbering and durations stay whole.
   */
  missing: ReadonlySet<HlsTrackKind>;
  /** The store epoch of the stream instance it came from (part of its file names). */
  epoch: string;
}

export type FolderPlaylistType = 'live' | 'event' | 'vod';

export interface FolderPlaylistInput {
  format: 'fmp4' | 'ts';
  type: FolderPlaylistType;
  /** Whole seconds, ≥ every listed segment's duration; never shrinks (§4.4.3.1). */
  targetDuration: number;
  discontinuitySequence: number;
  segments: readonly FolderSegment[];
  ended: boolean;
}

export function renderFolderPlaylist(input: FolderPlaylistInput, track: HlsTrackKind): string {
  const fmp4 = input.format === 'fmp4';
  const out = ['#EXTM3U', `#EXT-X-VERSION:${fmp4 ? 6 : 3}`, `#EXT-X-TARGETDURATION:${input.targetDuration}`];
  const vod = input.type === 'vod';
  if (vod) out.push('#EXT-X-PLAYLIST-TYPE:VOD');
  else if (input.type === 'event') out.push('#EXT-X-PLAYLIST-TYPE:EVENT');
  out.push(`#EXT-X-MEDIA-SEQUENCE:${input.segments[0]?.msn ?? 0}`);
  out.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${input.discontinuitySequence}`);
  let initId: number | undefined;
  for (const seg of input.segments) {
    if (seg.discontinuity) out.push('#EXT-X-DISCONTINUITY');
    if (fmp4 && seg.initId !== initId) {
      out.push(`#EXT-X-MAP:URI="${hlsNames.init(seg.epoch, seg.initId, track)}"`);
      initId = seg.initId;
    }
    out.push(`#EXT-X-PROGRAM-DATE-TIME:${isoDate(seg.programDateTime)}`);
    if (seg.missing.has(track)) out.push('#EXT-X-GAP');
    out.push(`#EXTINF:${seconds(seg.duration)},`);
    out.push(fmp4 ? hlsNames.segment(seg.epoch, seg.msn, track) : hlsNames.tsSegment(seg.epoch, seg.msn));
  }
  if (vod || input.ended) out.push('#EXT-X-ENDLIST');
  return out.join('\n') + '\n';
}
