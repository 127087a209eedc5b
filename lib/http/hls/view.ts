/**
 * What the playlist and MPD writers and the HTTP handler read about one stream:
 * the window as the store holds it now. Rendering is a pure function of this
 * view, so the same state gives the same bytes for every viewer (an HTTP cache
 * in front coalesces them).
 *
 * Numbers here are public: `msn` is the Media Sequence Number the store
 * assigns (continuing across republish), `initId` the store's init number
 * (also continuing), not the engine's per-publish counters.
 */
import type { HlsTrackInfo, HlsTrackKind } from './feed';

export interface HlsPartInfo {
  /** Index within its segment, from 0. */
  index: number;
  /** Milliseconds on the stream timeline. */
  start: number;
  duration: number;
  independent: boolean;
  /** Unix ms of the part's first sample. */
  programDateTime: number;
  /** Bytes per track (a track without samples in this part has none: GAP=YES in its playlist). */
  bytes: Readonly<Partial<Record<HlsTrackKind, number>>>;
}

export interface HlsSegmentInfo {
  msn: number;
  /**
   * The msn that began this segment's run: segments with no discontinuity or
   * gap between them share it (one DASH Period per run).
   */
  run: number;
  /** The store's init number: the EXT-X-MAP / DASH initialization it needs. */
  initId: number;
  /** Milliseconds on the stream timeline (restarts with a republish). */
  start: number;
  /** Milliseconds; for the open segment, the sum of its parts so far. */
  duration: number;
  programDateTime: number;
  independent: boolean;
  /** EXT-X-DISCONTINUITY before this segment (republish, new init, timeline jump). */
  discontinuity: boolean;
  /** Items were lost: listed with EXT-X-GAP, no bytes, no parts (RFC 8216bis §4.4.4.7). */
  gap: boolean;
  /** Parts that can be listed, in order (a prefix: none after a lost part). */
  parts: readonly HlsPartInfo[];
  /** Bytes held per track (for BANDWIDTH). */
  bytes: Readonly<Partial<Record<HlsTrackKind, number>>>;
}

/** Bytes for the handler: a Buffer, or the parts' Buffers in order (write them one after the other). */
export type HlsBytes = Buffer | readonly Buffer[];
/** 'expired': existed, slid out of the window (410). 'future': not yet, but next (hold or 404). */
export type HlsLookup = HlsBytes | 'expired' | 'future' | undefined;

export interface HlsBandwidth {
  /** Bits per second of the fastest segment in the window. */
  peak: number;
  /** Bits per second over the whole window. */
  average: number;
}

export interface HlsStreamView {
  /** "app/name". */
  readonly stream: string;
  /** Changes when the stream is forgotten and created again: part of every ETag. */
  readonly epoch: string;
  readonly format: 'fmp4' | 'ts';
  /** The tracks of the current init, video first. */
  readonly tracks: readonly HlsTrackInfo[];
  /** LL-HLS parts exist (fmp4 and a part target above 0). */
  readonly hasParts: boolean;
  /** Seconds; ≥ every part listed so far (RFC 8216bis §4.4.3.7). */
  readonly partTarget: number;
  /** PART-HOLD-BACK in parts of partTarget (≥ 2, RFC 8216bis §4.4.3.8); 3 when absent. */
  readonly partHoldBack?: number;
  /** Whole seconds; ≥ every segment's duration so far (RFC 8216bis §4.4.3.1). */
  readonly targetDuration: number;
  /** The configured segment duration in seconds (DASH availabilityTimeOffset, update period). */
  readonly segmentTarget: number;
  /** EXT-X-DISCONTINUITY-SEQUENCE: discontinuities that slid out of the window. */
  readonly discontinuitySequence: number;
  /** Complete segments in the window (gaps included), oldest first. */
  readonly segments: readonly HlsSegmentInfo[];
  /** The segment being built (its parts so far), when parts exist. */
  readonly open: HlsSegmentInfo | undefined;
  /** The msn the next new segment gets (the open one's when a segment is open). */
  readonly nextMsn: number;
  /** A publisher is publishing now. */
  readonly live: boolean;
  /** The publisher left more than endAfter ago: EXT-X-ENDLIST, no more changes. */
  readonly ended: boolean;
  /**
   * Unix ms at which the first publish's timeline was 0 (its first sample's
   * wall-clock time minus its media time): DASH availabilityStartTime.
   */
  readonly availabilityStart: number | undefined;
  /** Unix ms of the last change (DASH publishTime). */
  readonly updatedAt: number;
  /**
   * Goes up by one with every change a reader can see: with `epoch`, it names
   * this exact state (a playlist ETag, a key for caching rendered text).
   */
  readonly version: number;
  /** Bytes held for this stream: parts, segments and init segments (memory per stream). */
  readonly heldBytes: number;
  /** The tracks an init carried (undefined once it left the window). */
  initTracks(initId: number): readonly HlsTrackInfo[] | undefined;
  bandwidth(track: HlsTrackKind): HlsBandwidth;
  /** fmp4 init segment (ftyp + moov) of a track. */
  init(track: HlsTrackKind, initId: number): HlsLookup;
  /** A whole segment. ts format: the muxed segment, whatever `track` says. */
  segment(track: HlsTrackKind, msn: number): HlsLookup;
  part(track: HlsTrackKind, msn: number, part: number): HlsLookup;
  /**
   * A strong ETag for a resource: what (epoch, msn, part, track) name never
   * changes, so the tag is the name (RFC 9110 §8.8.3).
   */
  etag(kind: 'init' | 'segment' | 'part', track: HlsTrackKind, id: number, part?: number): string;
}
