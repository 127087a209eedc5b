/**
 * The HLS/DASH feed: what the engine's segmenter hands to JavaScript, once per
 * init segment, part and segment (never per request). The store
 * (lib/http/hls/store.ts) is the only consumer; playlists and the MPD are
 * written from it. Media times are milliseconds on the stream timeline.
 */

export type HlsTrackKind = 'video' | 'audio';

export interface HlsTrackInfo {
  kind: HlsTrackKind;
  /** RFC 6381 codec string, e.g. "avc1.64001f", "mp4a.40.2". */
  codec: string;
  timescale: number;
  width?: number;
  height?: number;
  frameRate?: number;
  sampleRate?: number;
  channels?: number;
}

/** The first item of a publish, and again (initId + 1) when a codec changes. */
export interface HlsInitItem {
  type: 'init';
  /** "app/name". */
  stream: string;
  /** The publisher's session id: a new value is a republish. */
  publishId: number;
  initId: number;
  format: 'fmp4' | 'ts';
  tracks: HlsTrackInfo[];
  /** fmp4: the init segment (ftyp + moov) of each track. */
  video?: Buffer;
  audio?: Buffer;
}

/** One LL-HLS part (fmp4 only): a moof + mdat per track. */
export interface HlsPartItem {
  type: 'part';
  stream: string;
  publishId: number;
  initId: number;
  /** Segment index within this publish, from 0. */
  segment: number;
  /** Part index within the segment, from 0. */
  part: number;
  start: number;
  duration: number;
  /** Starts with a keyframe (or the stream is audio-only). */
  independent: boolean;
  /** Unix ms of the part's first sample. */
  programDateTime: number;
  /**
   * Unix ms at which the part's last packet reached the engine's HLS tap (for
   * a part closed on its last frame, that is when it was cut). For latency
   * measurements; absent from feeds that do not know it.
   */
  arrivedAt?: number;
  video?: Buffer;
  audio?: Buffer;
}

/** A segment is complete. fmp4 with parts: no bytes (its parts concatenated). */
export interface HlsSegmentItem {
  type: 'segment';
  stream: string;
  publishId: number;
  initId: number;
  segment: number;
  start: number;
  duration: number;
  /** How many parts it has (0 without parts). */
  parts: number;
  independent: boolean;
  programDateTime: number;
  /** Unix ms at which the segment's last packet reached the engine's HLS tap (see HlsPartItem). */
  arrivedAt?: number;
  /** fmp4 without parts: the segment's bytes per track. */
  video?: Buffer;
  audio?: Buffer;
  /** ts: the muxed segment. */
  ts?: Buffer;
}

/** The publish ended. */
export interface HlsEndItem {
  type: 'end';
  stream: string;
  publishId: number;
  reason: string;
}

export type HlsFeedItem = HlsInitItem | HlsPartItem | HlsSegmentItem | HlsEndItem;

/** Counters of the bounded channel the items came through. */
export interface HlsFeedCounters {
  pushed: number;
  dropped: number;
  droppedBytes: number;
}
